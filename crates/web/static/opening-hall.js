// The opening hall on a notice page: follows /api/v1/tenders/{id}/opening/live (SSE). Before the
// deadline it counts down on the server's clock; when the opening changes (started, a bid
// decrypted, an escrow share, an objection, the signed record) it reloads the page, which renders
// the record with the bidders' names. Each live snapshot is the whole opening, so a reconnect
// misses nothing.
(function () {
  "use strict";
  var hall = document.getElementById("hall");
  if (!hall || !window.EventSource) { return; }
  var status = document.getElementById("hall-status");
  var rendered = hall.dataset.fingerprint;
  var deadline = Number(hall.dataset.deadlineMs);
  // Server time minus local time: the countdown never trusts the local clock.
  var offset = Number(hall.dataset.serverNowMs) - Date.now();

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function countdown() {
    if (rendered !== "waiting" || !deadline) { return; }
    var left = Math.max(0, deadline - (Date.now() + offset));
    var s = Math.floor(left / 1000);
    status.textContent = left > 0
      ? "距投标截止（开标）还有 " + Math.floor(s / 86400) + " 天 " + pad(Math.floor(s / 3600) % 24) + " 时 " +
        pad(Math.floor(s / 60) % 60) + " 分 " + pad(s % 60) + " 秒"
      : "投标已截止，等待开标";
  }
  // The same fingerprint as the server's (crates/web/src/pages/notices.rs).
  function fingerprint(o) {
    var count = function (st) { return o.lines.filter(function (l) { return l.status === st; }).length; };
    var answered = o.objections.filter(function (x) { return x.answer !== null && x.answer !== undefined; }).length;
    return [o.state, count("decrypted"), count("failed"), o.escrow_given, o.objections.length + "/" + answered,
      o.record ? 1 : 0].join("|");
  }

  var source = new EventSource("/api/v1/tenders/" + encodeURIComponent(hall.dataset.tenderId) + "/opening/live");
  source.addEventListener("clock", function (e) {
    offset = JSON.parse(e.data).server_now_ms - Date.now();
    countdown();
  });
  source.addEventListener("waiting", function (e) {
    offset = JSON.parse(e.data).server_now_ms - Date.now();
    countdown();
  });
  source.addEventListener("opening", function (e) {
    var opening = JSON.parse(e.data);
    if (fingerprint(opening) !== rendered) {
      source.close();
      window.location.reload();
    } else {
      status.textContent = (opening.record ? "开标记录已签署" : "开标进行中") + "，实时连接正常";
    }
  });
  setInterval(countdown, 250);
  countdown();
})();
