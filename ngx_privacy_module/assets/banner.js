(function () {
  'use strict';
  var banner = document.getElementById('privacy-banner');
  if (!banner || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var form = banner.querySelector('form');
  /*
   * After a decision the banner goes: focus moves to a note that says the
   * choice is saved, at the place the banner had (role=status: read out,
   * and reached again with the keyboard from there).  The region is made
   * now, empty, so that its text is announced when it comes.
   */
  var saved = banner.querySelector('.privacy-banner__saved');
  var status = document.createElement('div');
  status.className = 'privacy-status';
  status.setAttribute('role', 'status');
  status.tabIndex = -1;
  banner.parentNode.insertBefore(status, banner);
  function done(answer) {
    var decision = answer && answer.decision;
    var css = banner.querySelector('link[rel=stylesheet]');
    if (css) {
      status.appendChild(css);
    }
    banner.parentNode.removeChild(banner);
    if (saved) {
      while (saved.firstChild) {
        status.appendChild(saved.firstChild);
      }
    } else {
      status.textContent = 'Your choice is saved.';
    }
    status.className = 'privacy-status privacy-status--shown';
    status.focus();
    /* Consent Mode's script (consent-mode.js) and the site may listen */
    try {
      document.dispatchEvent(new CustomEvent('privacy:decision', {
        detail: { granted: (decision && decision.granted) || [] }
      }));
    } catch (e) {
      /* the decision is taken: nothing to fall back to */
    }
  }
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
      return response.json().catch(function () {
        return null;
      });
    }).then(done, function () {
      var action = document.createElement('input');
      action.type = 'hidden';
      action.name = 'action';
      action.value = button.value;
      form.appendChild(action);
      form.submit();
    });
  });
}());
