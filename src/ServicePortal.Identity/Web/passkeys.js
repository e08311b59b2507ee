// Passkeys (WebAuthn): a page offers a passkey in a form marked data-passkey="create" or "get", hidden until this
// script shows it, with the ceremony's options in data-options (JSON). On submit the browser's authenticator is
// asked, its answer is written into the form's "Credential" field, and the form is sent. Without this script (or
// without WebAuthn) the form stays hidden and the page says a passkey needs JavaScript.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function toBytes(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) { base64 += '='; }
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer), binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function clean(value) {
    if (Array.isArray(value)) { return value.map(clean); }
    if (value && typeof value === 'object') {
      var out = {};
      Object.keys(value).forEach(function (key) {
        if (value[key] !== null && value[key] !== undefined) { out[key] = clean(value[key]); }
      });
      return out;
    }
    return value;
  }

  function descriptors(list) {
    return (list || []).map(function (d) { var c = clean(d); c.id = toBytes(d.id); return c; });
  }

  function create(options) {
    var o = clean(options);
    o.challenge = toBytes(options.challenge);
    o.user.id = toBytes(options.user.id);
    o.excludeCredentials = descriptors(options.excludeCredentials);
    delete o.status; delete o.errorMessage;
    return navigator.credentials.create({ publicKey: o }).then(function (c) {
      return {
        id: c.id, rawId: toText(c.rawId), type: c.type,
        response: {
          attestationObject: toText(c.response.attestationObject),
          clientDataJSON: toText(c.response.clientDataJSON),
          transports: c.response.getTransports ? c.response.getTransports() : []
        },
        clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {}
      };
    });
  }

  function get(options) {
    var o = clean(options);
    o.challenge = toBytes(options.challenge);
    o.allowCredentials = descriptors(options.allowCredentials);
    delete o.status; delete o.errorMessage;
    return navigator.credentials.get({ publicKey: o }).then(function (c) {
      return {
        id: c.id, rawId: toText(c.rawId), type: c.type,
        response: {
          authenticatorData: toText(c.response.authenticatorData),
          clientDataJSON: toText(c.response.clientDataJSON),
          signature: toText(c.response.signature),
          userHandle: toText(c.response.userHandle)
        },
        clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {}
      };
    });
  }

  document.querySelectorAll('[data-passkey-nojs]').forEach(function (note) { note.hidden = true; });
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    form.hidden = false;
    form.addEventListener('submit', function (event) {
      var field = form.querySelector('input[name="Credential"]');
      if (field.value) { return; }
      event.preventDefault();
      var options = JSON.parse(form.getAttribute('data-options'));
      var ceremony = form.getAttribute('data-passkey') === 'create' ? create(options) : get(options);
      ceremony.then(function (answer) {
        field.value = JSON.stringify(answer);
        form.submit();
      }, function () {
        var failed = form.querySelector('[data-passkey-failed]');
        if (failed) { failed.hidden = false; }
      });
    });
  });
})();
