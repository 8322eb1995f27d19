// The check-in desk: scan a QR code with the device camera where the browser can
// (BarcodeDetector, getUserMedia). Without them -- or without JavaScript -- the desk
// types the code or searches by name: nothing here is needed.
(function () {
  "use strict";
  const input = document.getElementById("code");
  const form = document.getElementById("code-form");
  if (!input || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button button-secondary";
  button.textContent = input.dataset.scanLabel;
  const video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.muted = true;
  video.hidden = true;
  video.className = "scanner";
  form.appendChild(button);
  form.appendChild(video);
  let stream = null;
  let timer = null;

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    button.textContent = input.dataset.scanLabel;
  }

  button.addEventListener("click", async () => {
    if (stream) return stop();
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      button.textContent = input.dataset.stopLabel;
      timer = setInterval(async () => {
        const found = await detector.detect(video).catch(() => []);
        if (found.length) {
          input.value = found[0].rawValue;
          stop();
          form.submit();
        }
      }, 250);
    } catch (error) {
      stop();
      input.focus();
    }
  });
})();
