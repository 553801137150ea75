// LTI login initiation: go on to the platform's authorization when this browser keeps our cookies here;
// in a frame whose third-party cookies are blocked, offer the same login in a new window, where they
// are first-party cookies.
(function () {
  var box = document.getElementById("lti-login");
  if (!box) { return; }
  var works = navigator.cookieEnabled && document.cookie.indexOf("lti_cookie_check=1") !== -1;
  if (works) {
    window.location.replace(box.getAttribute("data-auth-url"));
  } else {
    document.getElementById("lti-login-wait").hidden = true;
    document.getElementById("lti-login-blocked").hidden = false;
  }
})();
