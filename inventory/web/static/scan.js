/* The scanner page (/scan): the rear camera reads our labels' QR codes, with the browser's
   BarcodeDetector or else the vendored jsQR (loaded only then), asset labels (/T/) and room
   labels (/R/) alike; a beep and a buzz per scan,
   another for a code that is not one of our labels; the torch where the camera has one; a
   typed tag checked here (tagcode.js) before it is opened. Plain ES5, for Safari 15. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root || !window.TagCode) return;
  var text = root.dataset;
  var video = document.getElementById("camera");
  var statusLine = document.getElementById("scan-status");
  var startButton = document.getElementById("scan-start");
  var torchButton = document.getElementById("scan-torch");
  var form = document.getElementById("type-tag");
  var input = form.elements.tag;
  var typedError = document.getElementById("tag-error");
  var hosts = [location.host.toLowerCase()].concat(text.hosts ? text.hosts.split(" ") : []);
  var EVERY_MS = 150; // between two reads of the camera
  var SAME_WRONG_MS = 3000; // the same wrong code still in view: no new alarm
  var MAX_SIDE = 960; // jsQR reads a frame scaled down to this
  var stream = null;
  var track = null;
  var timer = null;
  var detector = null;
  var canvas = null;
  var context = null;
  var torchOn = false;
  var leaving = false;
  var lastWrong = "";
  var lastWrongAt = 0;
  var audio = null;

  function say(message, kind) {
    statusLine.textContent = message;
    statusLine.className = kind || "";
  }

  /* Feedback: a high short beep and one buzz for a label, two low beeps and buzzes otherwise. */
  function sound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
    return audio;
  }
  function beep(ok) {
    try {
      var ctx = sound();
      if (!ctx) return;
      var tones = ok ? [[1320, 0, 0.1]] : [[300, 0, 0.14], [200, 0.2, 0.22]];
      for (var i = 0; i < tones.length; i++) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        var at = ctx.currentTime + tones[i][1];
        osc.type = ok ? "sine" : "square";
        osc.frequency.value = tones[i][0];
        gain.gain.setValueAtTime(0.25, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + tones[i][2]);
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.start(at);
        osc.stop(at + tones[i][2]);
      }
    } catch (e) {
      /* no sound: the message and the buzz remain */
    }
  }
  function feedback(ok) {
    beep(ok);
    if (navigator.vibrate) {
      try {
        navigator.vibrate(ok ? 80 : [150, 80, 150]);
      } catch (e) {
        /* not allowed before a tap */
      }
    }
    root.setAttribute("data-feedback", ok ? "ok" : "error");
  }
  // iOS lets sound start only from a tap: make the AudioContext on the first one.
  function unlock() {
    try {
      sound();
    } catch (e) {
      /* no WebAudio */
    }
    document.removeEventListener("touchend", unlock, true);
    document.removeEventListener("click", unlock, true);
  }
  document.addEventListener("touchend", unlock, true);
  document.addEventListener("click", unlock, true);

  function open(tag, path) {
    leaving = true;
    stop();
    location.assign((path || "/t/") + encodeURIComponent(tag));
  }

  /* A page that keeps what is read (the stocktake page) takes it from the "tagread" event
     and cancels it: the camera stays on, nothing is opened. */
  function handled(tag, isRoom) {
    var event = document.createEvent("CustomEvent");
    event.initCustomEvent("tagread", false, true, { tag: tag, room: isRoom });
    return !root.dispatchEvent(event);
  }

  function scanned(raw) {
    if (leaving) return;
    var tag = TagCode.fromUrl(raw, hosts);
    // A room label (/R/CODE) opens the room's page: scan the room first, then what is in it.
    var room = tag === null && TagCode.roomFromUrl ? TagCode.roomFromUrl(raw, hosts) : null;
    if (room !== null) tag = room;
    var problem = tag === null ? "malformed" : TagCode.validate(tag);
    if (problem === "valid") {
      feedback(true);
      if (handled(tag, room !== null)) return;
      say((room !== null ? text.foundRoom : text.found).replace("{tag}", tag), "ok");
      open(tag, room !== null ? "/r/" : "/t/");
      return;
    }
    var now = Date.now();
    if (raw === lastWrong && now - lastWrongAt < SAME_WRONG_MS) return;
    lastWrong = raw;
    lastWrongAt = now;
    feedback(false);
    say(problem === "typo" ? tag + ": " + text.typo : text.notOurs, "error");
  }

  /* The decoder: the browser's own if it reads QR codes, else jsQR from our static files. */
  function loadJsqr() {
    root.setAttribute("data-decoder-in-use", "jsqr");
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = text.decoder;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  function chooseDecoder() {
    if (!("BarcodeDetector" in window)) return loadJsqr();
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return loadJsqr();
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      root.setAttribute("data-decoder-in-use", "native");
    }, loadJsqr);
  }
  var decoderReady = null;

  function readJsqr() {
    var width = video.videoWidth;
    var height = video.videoHeight;
    var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    width = Math.round(width * scale);
    height = Math.round(height * scale);
    if (!canvas) {
      canvas = document.createElement("canvas");
    }
    if (canvas.width !== width || canvas.height !== height || !context) {
      canvas.width = width;
      canvas.height = height;
      context = canvas.getContext("2d", { willReadFrequently: true });
    }
    context.drawImage(video, 0, 0, width, height);
    var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, {
      inversionAttempts: "dontInvert",
    });
    return found ? found.data : null;
  }
  function read() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    return new Promise(function (resolve) {
      resolve(readJsqr());
    });
  }
  function schedule() {
    clearTimeout(timer);
    if (stream && !leaving) timer = setTimeout(tick, EVERY_MS);
  }
  function tick() {
    if (!stream || leaving) return;
    if (video.readyState < 2 || !video.videoWidth) {
      schedule();
      return;
    }
    read().then(
      function (raw) {
        if (raw) scanned(raw);
        schedule();
      },
      function () {
        schedule();
      }
    );
  }

  /* The camera: the rear one where there are two. */
  function setUpTorch() {
    var can = track && track.getCapabilities ? track.getCapabilities() : null;
    torchButton.hidden = !(can && can.torch);
  }
  function stop() {
    clearTimeout(timer);
    if (stream) {
      stream.getTracks().forEach(function (t) {
        t.stop();
      });
    }
    stream = null;
    track = null;
    torchOn = false;
    torchButton.hidden = true;
    torchButton.setAttribute("aria-pressed", "false");
    torchButton.textContent = text.torchOn;
    video.srcObject = null;
  }
  function noCamera() {
    stop();
    say(text.noCamera, "error");
    startButton.hidden = false;
  }
  function start() {
    if (stream || leaving) return;
    startButton.hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      noCamera();
      return;
    }
    say(text.starting);
    decoderReady = decoderReady || chooseDecoder();
    var wanted = {
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    };
    Promise.all([navigator.mediaDevices.getUserMedia(wanted), decoderReady]).then(
      function (got) {
        if (leaving || stream) {
          got[0].getTracks().forEach(function (t) {
            t.stop();
          });
          return;
        }
        stream = got[0];
        track = stream.getVideoTracks()[0];
        video.srcObject = stream;
        var playing = video.play();
        if (playing && playing.catch) playing.catch(function () {});
        setUpTorch();
        say(text.looking);
        schedule();
      },
      function () {
        decoderReady = null; // a decoder that failed to load is tried again
        noCamera();
      }
    );
  }
  video.addEventListener("loadedmetadata", setUpTorch);
  startButton.addEventListener("click", start);
  torchButton.addEventListener("click", function () {
    if (!track) return;
    var want = !torchOn;
    track.applyConstraints({ advanced: [{ torch: want }] }).then(
      function () {
        torchOn = want;
        torchButton.setAttribute("aria-pressed", want ? "true" : "false");
        torchButton.textContent = want ? text.torchOff : text.torchOn;
      },
      function () {
        torchButton.hidden = true;
      }
    );
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stop();
    else start();
  });
  window.addEventListener("pagehide", stop);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      leaving = false;
      start();
    }
  });

  /* A typed tag: checked here, sent only when its check character holds. */
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var tag = TagCode.normalize(input.value);
    var problem = TagCode.validate(tag);
    if (problem === "valid") {
      typedError.hidden = true;
      if (handled(tag, false)) {
        input.value = "";
        input.focus();
        return;
      }
      open(tag);
      return;
    }
    typedError.textContent = problem === "typo" ? text.typo : text.malformed;
    typedError.hidden = false;
    input.setAttribute("aria-invalid", "true");
    feedback(false);
    input.focus();
  });
  input.addEventListener("input", function () {
    typedError.hidden = true;
    input.removeAttribute("aria-invalid");
  });

  start();
})();
