/*
 * The demo's stand-in for Google's gtag.js: no Google host is asked.  As
 * gtag.js does, it reads the commands queued in window.dataLayer (the
 * consent defaults that consent-mode.js set before it) and those pushed
 * later (the update after a decision), and records each one it sees, in
 * order, in window.gtagStandinCalls, for the browser test to read.
 */
(function () {
  'use strict';
  var calls = window.gtagStandinCalls = [];
  var dataLayer = window.dataLayer = window.dataLayer || [];
  var push = dataLayer.push;
  function take(command) {
    calls.push(Array.prototype.slice.call(command));
  }
  dataLayer.forEach(take);
  dataLayer.push = function () {
    Array.prototype.forEach.call(arguments, take);
    return push.apply(dataLayer, arguments);
  };
}());
