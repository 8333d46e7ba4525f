// The consent form's signature box: draw with a finger, stylus or mouse; the PNG goes
// into the hidden field as a data: URL. No inline script (the CSP forbids it).
(function () {
  "use strict";
  function setUp() {
    var canvas = document.getElementById("signature-pad");
    if (!canvas) { return; }
    var target = document.getElementById(canvas.dataset.target);
    var clear = document.getElementById("signature-clear");
    var context = canvas.getContext("2d");
    var drawing = false;
    context.lineWidth = 2;
    context.lineCap = "round";
    context.strokeStyle = "#1d2433";
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      event.preventDefault();
    });
    function finish() {
      if (!drawing) { return; }
      drawing = false;
      target.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      target.value = "";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
