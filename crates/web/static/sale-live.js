// The live sale page: follows /api/v1/sales/{id}/live (SSE) and counts down on the server's clock.
// The browser's EventSource resends the last event id on reconnect, so no bid is missed.
(function () {
  "use strict";
  var sale = document.getElementById("sale");
  if (!sale || !window.EventSource) { return; }
  var id = sale.dataset.saleId;
  var endsAt = Number(sale.dataset.endsAtMs);
  // Server time minus local time: the countdown never trusts the local clock.
  var offset = Number(sale.dataset.serverNowMs) - Date.now();
  var paused = document.getElementById("paused") !== null;

  function yuan(fen) {
    return (fen / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " 元";
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clockText(ms) {
    var d = new Date(ms + 8 * 3600 * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }
  function tick() {
    var left = Math.max(0, endsAt - (Date.now() + offset));
    var s = Math.floor(left / 1000);
    var text = paused ? "暂停中" : (Math.floor(s / 3600) + " 小时 " + pad(Math.floor(s / 60) % 60) + " 分 " + pad(s % 60) + " 秒");
    document.getElementById("countdown").textContent = text;
  }
  setInterval(tick, 250);
  tick();

  // The page already shows everything up to its version: start after it (on reconnect the browser
  // sends Last-Event-ID itself, which the server prefers).
  var source = new EventSource("/api/v1/sales/" + encodeURIComponent(id) + "/live?after=" +
    encodeURIComponent(sale.dataset.version));
  source.addEventListener("clock", function (e) {
    var c = JSON.parse(e.data);
    offset = c.server_now_ms - Date.now();
    endsAt = c.ends_at_ms;
    paused = c.paused;
    document.getElementById("ends").textContent = clockText(endsAt);
  });
  source.addEventListener("bid", function (e) {
    var b = JSON.parse(e.data);
    var row = document.createElement("tr");
    [String(b.paddle), yuan(b.price_fen), clockText(b.at_ms)].forEach(function (text) {
      var cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    });
    var body = document.getElementById("bids");
    body.insertBefore(row, body.firstChild);
    endsAt = b.ends_at_ms;
    var minimum = document.getElementById("minimum");
    minimum.textContent = yuan(b.minimum_next_fen);
    minimum.dataset.fen = b.minimum_next_fen;
    document.getElementById("ends").textContent = clockText(endsAt);
  });
  // Anything else changes the phase: reload the page (it is the snapshot of the new state).
  ["paused", "resumed", "live_bidding", "listing_closed", "reserve", "confirmed", "repriced", "bid_opened",
    "evaluated"].forEach(function (name) {
    source.addEventListener(name, function () { window.location.reload(); });
  });

  var form = document.getElementById("bid-form");
  if (!form) { return; }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var error = document.getElementById("bid-error");
    var receipt = document.getElementById("bid-receipt");
    error.textContent = "";
    receipt.textContent = "";
    // A tender takes only the commitment to the price (made offline by `ggzy bid commit`).
    var sealed = form.dataset.mode === "sealed";
    var body = sealed
      ? { bidder: form.dataset.bidder, commitment: document.getElementById("bid-commitment").value.trim() }
      : { bidder: form.dataset.bidder, price_fen: Math.round(Number(document.getElementById("bid-price").value) * 100) };
    var token = document.querySelector('meta[name="csrf-token"]');
    fetch("/api/v1/sales/" + encodeURIComponent(id) + (sealed ? "/sealed-bids" : "/bids"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": token ? token.content : "" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (answer.ok && sealed) {
        receipt.textContent = "投标已递交（报价密封至开标）：承诺值 " + answer.body.commitment + "，日志位置 " +
          answer.body.log_position + "，事件哈希 " + answer.body.event_hash;
      } else if (answer.ok) {
        receipt.textContent = "出价已记录：" + yuan(answer.body.price_fen) + "，日志位置 " + answer.body.log_position +
          "，事件哈希 " + answer.body.event_hash;
      } else {
        error.textContent = answer.body.message || "出价失败";
      }
    }).catch(function () { error.textContent = "网络错误，出价未确认，请刷新后查看出价记录"; });
  });
})();
