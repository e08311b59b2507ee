// Show password (GOV.UK Design System's password input): a button beside each password input switches it between
// hidden and shown. Without this script the input stays an ordinary password input. Served from the portal itself
// (/account/show-password.js), as the Content-Security-Policy allows only same-origin scripts and none inline.
(function () {
  'use strict';
  var wrappers = document.querySelectorAll('[data-show-password]');
  Array.prototype.forEach.call(wrappers, function (wrapper) {
    var input = wrapper.querySelector('input');
    if (!input || wrapper.getAttribute('data-show-password') === 'ready') {
      return; // already done (the script may be included twice)
    }
    wrapper.setAttribute('data-show-password', 'ready');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button-secondary password-toggle';
    button.setAttribute('aria-controls', input.id);
    var status = document.createElement('span');
    status.className = 'visually-hidden';
    status.setAttribute('aria-live', 'polite');

    function show(visible) {
      input.type = visible ? 'text' : 'password';
      button.textContent = wrapper.getAttribute(visible ? 'data-hide' : 'data-show');
      button.setAttribute('aria-label', wrapper.getAttribute(visible ? 'data-hide-label' : 'data-show-label'));
      status.textContent = wrapper.getAttribute(visible ? 'data-shown' : 'data-hidden');
    }

    button.addEventListener('click', function () {
      show(input.type === 'password');
    });
    // Hidden again before the form goes, so that no browser keeps it as ordinary text.
    if (input.form) {
      input.form.addEventListener('submit', function () {
        show(false);
      });
    }
    wrapper.appendChild(button);
    wrapper.appendChild(status);
    show(false);
    status.textContent = '';
  });
})();
