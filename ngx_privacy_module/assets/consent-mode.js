/*
 * Google Consent Mode v2 for ngx_privacy_module (privacy_consent_mode).
 * The edge puts this file first in the page, before any other script, and
 * writes the visitor's state on its tag:
 *
 *   data-privacy-consent="ad_storage=marketing:denied ..."
 *
 * each consent type with its category and state (granted, denied, or
 * essential: always granted).  The file is the same for every visitor.
 * After a decision taken through the banner's script (a
 * "privacy:decision" event with the categories granted), the types are
 * updated.
 */
(function () {
  'use strict';
  var tag = document.currentScript;
  if (!tag || !tag.hasAttribute('data-privacy-consent')) {
    tag = document.querySelector('script[data-privacy-consent]');
  }
  if (!tag) {
    return;
  }
  var types = [];
  var state = {};
  tag.getAttribute('data-privacy-consent').split(/\s+/).forEach(
    function (item) {
      var m = /^([a-z_]+)=([A-Za-z0-9_-]+):(granted|denied|essential)$/
        .exec(item);
      if (m) {
        types.push({ type: m[1], category: m[2], essential: m[3] === 'essential' });
        state[m[1]] = m[3] === 'denied' ? 'denied' : 'granted';
      }
    });
  if (!types.length) {
    return;
  }
  window.dataLayer = window.dataLayer || [];
  if (typeof window.gtag !== 'function') {
    window.gtag = function () {
      window.dataLayer.push(arguments);
    };
  }
  window.gtag('consent', 'default', state);
  document.addEventListener('privacy:decision', function (event) {
    var granted = (event.detail && event.detail.granted) || [];
    var update = {};
    types.forEach(function (t) {
      update[t.type] = t.essential || granted.indexOf(t.category) >= 0
        ? 'granted' : 'denied';
    });
    window.gtag('consent', 'update', update);
  });
}());
