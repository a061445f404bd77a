(function () {
  'use strict';
  var banner = document.getElementById('privacy-banner');
  if (!banner || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var form = banner.querySelector('form');
  form.addEventListener('submit', function (event) {
    var button = event.submitter;
    if (!button || !button.value) {
      return;
    }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    body.set('action', button.value);
    fetch(form.getAttribute('action'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('status ' + response.status);
      }
      banner.parentNode.removeChild(banner);
    }).catch(function () {
      var action = document.createElement('input');
      action.type = 'hidden';
      action.name = 'action';
      action.value = button.value;
      form.appendChild(action);
      form.submit();
    });
  });
}());
