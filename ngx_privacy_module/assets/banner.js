(function () {
  'use strict';
  /*
   * On a page with the banner; or, linked by the module before a frame it
   * held back on a page without the banner (a visitor who decided), for
   * the frames' placeholders only: its own URL then says where the
   * endpoint is, and data-privacy-granted what the visitor granted.
   */
  var banner = document.getElementById('privacy-banner');
  var me = document.currentScript;
  var form = banner && banner.querySelector('form');
  var endpoint = form ? form.getAttribute('action')
      : me && me.src.replace(/\/[^\/]*$/, '');
  if (!endpoint || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var granted = ((!banner && me.getAttribute('data-privacy-granted')) || '')
      .split(' ').filter(function (name) { return name; });
  var HELD = '[data-privacy-category]';

  // Elements privacy_script held back start once their category is
  // granted, in document order: a script is made again with its original
  // attributes (an external one keeps its place in the order of
  // execution: async false), frames, images and links get their URLs
  // back.  Those of refused categories stay as they are.
  function activate(granted) {
    var held = document.querySelectorAll(HELD);
    for (var i = 0; i < held.length; i++) {
      var el = held[i];
      if (granted.indexOf(el.getAttribute('data-privacy-category')) < 0) {
        continue;
      }
      if (el.tagName === 'SCRIPT') {
        if (el.type !== 'text/plain') {
          continue;
        }
        var s = document.createElement('script');
        for (var k = 0; k < el.attributes.length; k++) {
          var a = el.attributes[k];
          var name = a.name.toLowerCase();
          if (name === 'type' || name === 'data-privacy-category') {
            continue;
          }
          if (name.indexOf('data-privacy-') === 0) {
            name = name.substring(13);
          }
          s.setAttribute(name, a.value);
        }
        if (s.src) {
          s.async = el.hasAttribute('async');
        } else {
          s.text = el.text;
        }
        el.parentNode.replaceChild(s, el);
        continue;
      }
      ['src', 'srcset', 'href'].forEach(function (name) {
        var v = el.getAttribute('data-privacy-' + name);
        if (v !== null) {
          el.removeAttribute('data-privacy-' + name);
          el.setAttribute(name, v);
        }
      });
      el.removeAttribute('data-privacy-category');
      if (el.privacyPlaceholder) {
        el.privacyPlaceholder.parentNode.removeChild(el.privacyPlaceholder);
        el.hidden = false;
      }
    }
  }

  /*
   * After a decision the banner goes: focus moves to a note that says the
   * choice is saved, at the place the banner had (role=status: read out,
   * and reached again with the keyboard from there).  The region is made
   * now, empty, so that its text is announced when it comes.
   */
  var saved = banner && banner.querySelector('.privacy-banner__saved');
  var status = document.createElement('div');
  status.className = 'privacy-status';
  status.setAttribute('role', 'status');
  status.tabIndex = -1;
  if (banner) {
    banner.parentNode.insertBefore(status, banner);
  }
  function done(answer) {
    var decision = answer && answer.decision;
    granted = (decision && decision.granted) || [];
    if (banner) {
      var css = banner.querySelector('link[rel=stylesheet]');
      if (css) {
        status.appendChild(css);
      }
      if (banner.parentNode) {
        banner.parentNode.removeChild(banner);
      }
      if (saved) {
        while (saved.firstChild) {
          status.appendChild(saved.firstChild);
        }
      } else {
        status.textContent = 'Your choice is saved.';
      }
      status.className = 'privacy-status privacy-status--shown';
      status.focus();
    }
    activate(granted);
    /* Consent Mode's script (consent-mode.js) and the site may listen */
    try {
      document.dispatchEvent(new CustomEvent('privacy:decision', {
        detail: { granted: (decision && decision.granted) || [] }
      }));
    } catch (e) {
      /* the decision is taken: nothing to fall back to */
    }
  }
  function decide(body, fallback) {
    fetch(endpoint, {
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
    }).then(done, fallback);
  }
  if (form) form.addEventListener('submit', function (event) {
    var button = event.submitter;
    if (!button || !button.value) {
      return;
    }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    body.set('action', button.value);
    decide(body, function () {
      var action = document.createElement('input');
      action.type = 'hidden';
      action.name = 'action';
      action.value = button.value;
      form.appendChild(action);
      form.submit();
    });
  });

  // A held frame says what it is and lets the visitor allow its category
  // there: a decision like the banner's, that category added to those
  // granted.
  var frames = document.querySelectorAll('iframe[data-privacy-src]');
  for (var i = 0; i < frames.length; i++) {
    var frame = frames[i];
    var category = frame.getAttribute('data-privacy-category');
    var host = frame.getAttribute('data-privacy-src')
                    .replace(/^[a-z]*:?\/\/([^\/?#:]*).*$/i, '$1');
    var box = document.createElement('div');
    box.className = 'privacy-placeholder';
    box.setAttribute('role', 'region');
    var text = document.createElement('p');
    text.textContent = 'Content from ' + host + ' is held back: it '
        + 'needs your consent to ' + category + '.';
    var allow = document.createElement('button');
    allow.type = 'button';
    allow.className = 'privacy-banner__button';
    allow.textContent = 'Allow ' + category;
    allow.setAttribute('data-privacy-allow', category);
    allow.addEventListener('click', function (event) {
      var body = new URLSearchParams();
      var allowed = event.target.getAttribute('data-privacy-allow');
      body.set('action', 'save');
      granted.forEach(function (name) {
        if (name !== allowed) {
          body.append('category', name);
        }
      });
      body.append('category', allowed);
      decide(body, function () {});
    });
    box.appendChild(text);
    box.appendChild(allow);
    frame.parentNode.insertBefore(box, frame);
    frame.hidden = true;
    frame.privacyPlaceholder = box;
  }
}());
