/* global document, crypto, fetch, TextEncoder, TextDecoder, navigator, history, location, setTimeout, btoa, atob */
/**
 * The browser half of the credential handover (served as a separate file: the pages' CSP allows no
 * inline script). It must derive exactly what src/credentials/credential-crypto.ts derives:
 *
 *   key      32 random bytes, base64url, only ever in the retrieval link's fragment
 *   encKey   HKDF-SHA-256(key, salt "", info "offboard/credential-encryption/v1") as AES-256-GCM
 *   proofKey HKDF-SHA-256(key, salt "", info "offboard/reveal-proof/v1") as HMAC-SHA-256
 *   proof    base64url(HMAC(proofKey, token))
 *   envelope "v1.<iv>.<ciphertext+tag>", with the secret's name as AES-GCM associated data
 *
 * Deposit: encrypts the form here and posts ciphertext + key (the key goes into the recipient's link).
 * Reveal: posts the proof, receives the ciphertext once, decrypts it here.
 */
"use strict";
(function () {
  var encoder = new TextEncoder();

  function toBase64Url(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64Url(value) {
    var text = atob(value.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((value.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function isWellFormedKey(value) {
    return /^[A-Za-z0-9_-]{43}$/.test(value);
  }

  function hkdfParams(info) {
    return { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(info) };
  }

  function importKey(key) {
    return crypto.subtle.importKey("raw", fromBase64Url(key), "HKDF", false, ["deriveKey"]);
  }

  function encryptionKey(key, usage) {
    return importKey(key).then(function (base) {
      return crypto.subtle.deriveKey(
        hkdfParams("offboard/credential-encryption/v1"),
        base,
        { name: "AES-GCM", length: 256 },
        false,
        [usage],
      );
    });
  }

  function revealProof(token, key) {
    return importKey(key)
      .then(function (base) {
        return crypto.subtle.deriveKey(
          hkdfParams("offboard/reveal-proof/v1"),
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign"],
        );
      })
      .then(function (proofKey) {
        return crypto.subtle.sign("HMAC", proofKey, encoder.encode(token));
      })
      .then(function (mac) {
        return toBase64Url(new Uint8Array(mac));
      });
  }

  function encrypt(values, key, secretName) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return encryptionKey(key, "encrypt")
      .then(function (encKey) {
        return crypto.subtle.encrypt(
          { name: "AES-GCM", iv: iv, additionalData: encoder.encode(secretName) },
          encKey,
          encoder.encode(JSON.stringify(values)),
        );
      })
      .then(function (body) {
        return "v1." + toBase64Url(iv) + "." + toBase64Url(new Uint8Array(body));
      });
  }

  function decrypt(envelope, key, secretName) {
    var parts = envelope.split(".");
    if (parts.length !== 3 || parts[0] !== "v1") return Promise.reject(new Error("unknown envelope"));
    return encryptionKey(key, "decrypt")
      .then(function (encKey) {
        return crypto.subtle.decrypt(
          { name: "AES-GCM", iv: fromBase64Url(parts[1]), additionalData: encoder.encode(secretName) },
          encKey,
          fromBase64Url(parts[2]),
        );
      })
      .then(function (plain) {
        return JSON.parse(new TextDecoder().decode(plain));
      });
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    }).then(function (response) {
      return response.json().then(
        function (json) {
          return { status: response.status, body: json };
        },
        function () {
          return { status: response.status, body: {} };
        },
      );
    });
  }

  function tokenFromPath(prefix) {
    var path = location.pathname;
    return path.indexOf(prefix) === 0 ? path.slice(prefix.length).split("/")[0] : "";
  }

  function say(text, kind) {
    var status = document.getElementById("status");
    status.textContent = text;
    status.className = "status" + (kind ? " " + kind : "");
  }

  function setUpDeposit() {
    var form = document.getElementById("deposit-form");
    var submit = document.getElementById("deposit-submit");
    var secretName = document.body.getAttribute("data-secret-name");
    var token = tokenFromPath("/d/");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var values = {
        email: form.elements.email.value.trim(),
        password: form.elements.password.value,
        mfaNotes: form.elements.mfaNotes.value.trim(),
      };
      if (!values.email || !values.password) return say("Enter the root e-mail address and password.", "problem");
      var key = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      submit.disabled = true;
      say("Encrypting and depositing…");
      encrypt(values, key, secretName)
        .then(function (ciphertext) {
          return postJson("/d/" + token, {
            ciphertext: ciphertext,
            key: key,
            rootEmailChanged: form.elements.rootEmailChanged.checked,
          });
        })
        .then(function (answer) {
          if (answer.status !== 200) {
            submit.disabled = false;
            return say(answer.body.message || "The deposit failed; try again.", "problem");
          }
          form.reset();
          form.hidden = true;
          say(
            "Deposited. A one-time link was sent by direct message to " +
              answer.body.recipients.join(", ") +
              ", valid until " +
              answer.body.expiresAtText +
              ". You can close this page.",
            "done",
          );
        })
        .catch(function () {
          submit.disabled = false;
          say("The deposit failed (your browser could not encrypt or reach the bot); try again.", "problem");
        });
    });
  }

  function showRevealed(values) {
    document.getElementById("value-email").textContent = values.email;
    document.getElementById("value-password").textContent = values.password;
    document.getElementById("value-mfa-notes").textContent = values.mfaNotes || "(none)";
    document.getElementById("revealed").hidden = false;
    document.getElementById("intro").hidden = true;
    var buttons = document.querySelectorAll("button.copy");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        navigator.clipboard.writeText(text).then(
          function () {
            button.textContent = "Copied";
            setTimeout(function () {
              button.textContent = "Copy";
            }, 2000);
          },
          function () {
            button.textContent = "Select and copy by hand";
          },
        );
      });
    });
  }

  function setUpReveal() {
    var button = document.getElementById("reveal");
    var secretName = document.body.getAttribute("data-secret-name");
    var token = tokenFromPath("/r/");
    var key = location.hash.slice(1);
    if (!isWellFormedKey(key)) {
      return say(
        "This link is incomplete: the part after # is missing or damaged. Open the full link from your direct message.",
        "problem",
      );
    }
    button.disabled = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say("Revealing…");
      revealProof(token, key)
        .then(function (proof) {
          return postJson("/r/" + token + "/reveal", { proof: proof });
        })
        .then(function (answer) {
          if (answer.status !== 200) {
            // Nothing was used up: the same link may be tried again.
            if (answer.status === 429 || answer.status === 503) button.disabled = false;
            return say(answer.body.message || "The credentials could not be revealed.", "problem");
          }
          return decrypt(answer.body.ciphertext, key, secretName).then(function (values) {
            // The key has done its work: take it out of the address bar and the history entry.
            history.replaceState(null, "", location.pathname);
            button.hidden = true;
            say("");
            showRevealed(values);
          });
        })
        .catch(function () {
          say(
            "The credentials could not be decrypted with this link. Ask the partner to deposit them again.",
            "problem",
          );
        });
    });
  }

  function start() {
    var kind = document.body.getAttribute("data-page");
    if (kind === "deposit") setUpDeposit();
    if (kind === "reveal") setUpReveal();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
