// Deep linking: post the signed content items back to the LMS at once (the button stays for no-script).
(function () {
  var form = document.getElementById("lti-deep-link-return");
  if (form) { form.submit(); }
})();
