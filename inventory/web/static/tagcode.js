/* Tag codes in the page, exactly as inventory/tagcodes.py reads them: `{PREFIX}-{6 symbols}{check}`.
   Plain ES5 (Safari 15, old Android Chrome); tests/tag_vectors.json holds the two alike. */
(function (root) {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY";
  var BASE = ALPHABET.length; // 31, prime
  var BODY_LENGTH = 6;
  var LOOKALIKES = { I: "1", L: "1", O: "0", U: "V", Z: "2" };
  // Python's str.strip(): the characters str.isspace() holds (not String.prototype.trim's set).
  var SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var EDGES = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");

  /* Upper-case, trimmed, look-alikes mapped: what a typed or scanned tag should be. */
  function normalize(text) {
    return String(text)
      .replace(EDGES, "")
      .toUpperCase()
      .replace(/[ILOUZ]/g, function (c) {
        return LOOKALIKES[c];
      });
  }

  /* Weighted sum of every symbol before the check, prefix included, modulo 31. */
  function checkSymbol(text) {
    var total = 0;
    for (var i = 0; i < text.length; i++) {
      total += (i + 1) * ALPHABET.indexOf(text.charAt(i));
    }
    return ALPHABET.charAt(total % BASE);
  }

  /* "valid", "malformed", or "typo" (well-formed, but the check character does not match). */
  function validate(tag) {
    var dash = tag.lastIndexOf("-");
    if (dash < 1) return "malformed"; // no dash, or nothing before it
    var prefix = tag.slice(0, dash);
    var rest = tag.slice(dash + 1);
    if (rest.length !== BODY_LENGTH + 1) return "malformed";
    var text = prefix + rest;
    for (var i = 0; i < text.length; i++) {
      if (ALPHABET.indexOf(text.charAt(i)) < 0) return "malformed";
    }
    return checkSymbol(prefix + rest.slice(0, BODY_LENGTH)) === rest.charAt(BODY_LENGTH)
      ? "valid"
      : "typo";
  }

  /* The tag a label's QR holds (`HTTP://HOST/T/TAG`, see tagcodes.url), or null when the
     text is no URL of one of `hosts` (lower-case host[:port]) with a path /t/TAG. */
  function fromUrl(text, hosts) {
    return codeFromUrl(text, hosts, "t");
  }

  /* The code a room label's QR holds (`HTTP://HOST/R/CODE`, see tagcodes.room_url), or null. */
  function roomFromUrl(text, hosts) {
    return codeFromUrl(text, hosts, "r");
  }

  function codeFromUrl(text, hosts, kind) {
    var match = /^https?:\/\/([^\/?#]+)\/([tr])\/([^\/?#]+)$/i.exec(String(text).trim());
    if (!match || hosts.indexOf(match[1].toLowerCase()) < 0) return null;
    if (match[2].toLowerCase() !== kind) return null;
    var tag;
    try {
      tag = decodeURIComponent(match[3]);
    } catch (e) {
      return null;
    }
    return normalize(tag);
  }

  root.TagCode = {
    normalize: normalize,
    validate: validate,
    fromUrl: fromUrl,
    roomFromUrl: roomFromUrl,
    ALPHABET: ALPHABET,
  };
})(typeof self !== "undefined" ? self : this);
