// Dynamic Registration: tell the LMS that opened this page that the registration is done.
(function () {
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) { target.postMessage({ subject: "org.imsglobal.lti.close" }, "*"); }
})();
