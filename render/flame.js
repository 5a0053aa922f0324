// flame.js — interaction for goheapflame's SVG flame graphs (embedded at
// build time). Geometry comes from integer data attributes written by
// render/svg.c: data-x / data-w (weight units), data-d (depth). Labels are
// refitted with the same DejaVu Sans width table the writer used
// (svg data-cw), never by measuring text in the DOM.
"use strict";
(function () {
  var svg = document.documentElement;
  var total = Number(svg.getAttribute("data-total"));
  var xpad = Number(svg.getAttribute("data-xpad"));
  var fw = Number(svg.getAttribute("data-fw"));
  var font = Number(svg.getAttribute("data-font"));
  var cw = svg.getAttribute("data-cw").split(",").map(Number);
  var cwo = Number(svg.getAttribute("data-cwo"));
  var unitEl = document.getElementById("unit");
  var unit = unitEl ? unitEl.textContent : "bytes";
  var objects = svg.getAttribute("data-objects") === "1";
  var frames = [];
  var details, matchedEl, unzoomBtn, searchBtn, icBtn;
  var zoomed = null, query = null, ignoreCase = false;

  function units(ch) {
    var c = ch.codePointAt(0);
    return c >= 32 && c < 127 ? cw[c - 32] : cwo;
  }
  // What of `name` fits in px, as text_fit_label() in textwidth.c: the
  // package path elided element by element from the start ("…Session ×2,000"),
  // else the last element's head and "…", else nothing (< 3 characters).
  function sum(chars, a, b) { var u = 0; for (var i = a; i < b; i++) u += units(chars[i]); return u; }
  function fitLabel(name, px) {
    var limit = px <= 0 ? 0 : Math.floor(px * 1000 / font);
    var chars = Array.from(name), n = chars.length, i;
    if (sum(chars, 0, n) <= limit) return name;
    var ell = cwo, last = 0;
    for (i = 0; i < n; i++) {
      if (chars[i] !== "." && chars[i] !== "/") continue;
      last = i + 1;
      if (last < n && ell + sum(chars, last, n) <= limit && n - last >= 3)
        return "\u2026" + chars.slice(last).join("");
    }
    var used = ell, end = last;
    for (i = last; i < n; i++) {
      var w = units(chars[i]);
      if (used + w > limit) break;
      used += w;
      end = i + 1;
    }
    if (end - last < 3) return "";
    return chars.slice(last, end).join("") + "\u2026";
  }
  function human(v) {
    if (unit !== "bytes") return v + " " + unit;
    if (v < 1024) return v + " B";
    var u = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], i = -1;
    while (v >= 1024 && i < 5) { v /= 1024; i++; }
    return v.toFixed(1) + " " + u[i];
  }
  function pct(v, of) { return of > 0 ? (100 * v / of).toFixed(2) + "%" : "0.00%"; }

  function init() {
    var gs = document.querySelectorAll("#frames > g.f");
    for (var i = 0; i < gs.length; i++) {
      var g = gs[i], t = g.querySelector("title").textContent;
      frames.push({
        g: g, rect: g.querySelector("rect"), text: g.querySelector("text"),
        name: t.split("\n")[0],
        x: Number(g.getAttribute("data-x")), w: Number(g.getAttribute("data-w")),
        d: Number(g.getAttribute("data-d")), s: Number(g.getAttribute("data-s")),
        c: Number(g.getAttribute("data-c"))
      });
      g.__f = frames[frames.length - 1];
    }
    details = document.getElementById("details");
    matchedEl = document.getElementById("matched");
    unzoomBtn = document.getElementById("unzoom");
    searchBtn = document.getElementById("search");
    icBtn = document.getElementById("ignorecase");
    var fg = document.getElementById("frames");
    fg.addEventListener("click", function (e) {
      var f = frameOf(e.target);
      if (f) { zoom(f); saveState(); }
    });
    fg.addEventListener("mouseover", function (e) {
      var f = frameOf(e.target);
      if (f) details.textContent = describe(f);
    });
    fg.addEventListener("mouseout", function () { details.textContent = " "; });
    unzoomBtn.addEventListener("click", function () { zoom(null); saveState(); });
    searchBtn.addEventListener("click", function () { searchPrompt(); });
    icBtn.addEventListener("click", function () {
      ignoreCase = !ignoreCase;
      icBtn.classList.toggle("on", ignoreCase);
      if (query !== null) search(query);
      saveState();
    });
    window.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && (e.key === "f" || e.key === "F")) {
        e.preventDefault();
        searchPrompt();
      } else if (e.key === "Escape") {
        search(null);
        saveState();
      }
    });
    loadState();
  }
  function frameOf(el) {
    while (el && el !== svg) {
      if (el.__f) return el.__f;
      el = el.parentNode;
    }
    return null;
  }
  function describe(f) {
    var s = f.name + " (retained " + human(f.w) + ", " + pct(f.w, total);
    if (unit === "bytes") s += "; shallow " + human(f.s);
    s += "; " + (objects ? "retained objects " : "stacks ") + f.c + ")";
    return s;
  }

  // Zoom on f (null: reset). Ancestors span the width, dimmed; frames
  // outside f's range are hidden; the rest are rescaled and relabelled.
  function zoom(f) {
    zoomed = f;
    var zx = f ? f.x : 0, zw = f ? f.w : total, zd = f ? f.d : 0;
    var scale = zw > 0 ? fw / zw : 0;
    for (var i = 0; i < frames.length; i++) {
      var q = frames[i], x, w;
      q.g.classList.remove("p", "hide");
      if (f && q.d < zd && q.x <= zx && q.x + q.w >= zx + zw) {
        x = xpad; w = fw;
        q.g.classList.add("p");
      } else if (q.d >= zd && q.x >= zx && q.x + q.w <= zx + zw) {
        x = xpad + (q.x - zx) * scale; w = q.w * scale;
      } else {
        q.g.classList.add("hide");
        continue;
      }
      q.rect.setAttribute("x", x.toFixed(2));
      q.rect.setAttribute("width", w.toFixed(2));
      q.text.setAttribute("x", (x + 3).toFixed(2));
      q.text.textContent = fitLabel(q.name, w - 6);
    }
    unzoomBtn.classList.toggle("hide", !f);
    if (query !== null) search(query);
  }

  function searchPrompt() {
    var re = window.prompt("Search (regular expression)" + (ignoreCase ? ", ignoring case" : ""),
                           query === null ? "" : query);
    if (re === null) return;
    search(re === "" ? null : re);
    saveState();
  }
  // Highlight frames whose name matches; the share counts each byte once
  // (matched frames nested in another matched frame are not added again).
  function search(re) {
    query = re;
    var rx = null;
    if (re !== null) {
      try { rx = new RegExp(re, ignoreCase ? "i" : ""); }
      catch (e) { matchedEl.textContent = "bad regex: " + e.message; return; }
    }
    var hits = [];
    for (var i = 0; i < frames.length; i++) {
      var q = frames[i], m = rx !== null && rx.test(q.name);
      q.g.classList.toggle("m", m);
      if (m) hits.push(q);
    }
    searchBtn.classList.toggle("on", rx !== null);
    if (rx === null) { matchedEl.textContent = " "; return; }
    hits.sort(function (a, b) { return a.x - b.x || b.w - a.w || a.d - b.d; });
    // Frames nest or are disjoint, so in (x asc, width desc) order a hit
    // starting before the end of the last counted one lies inside it.
    var sum = 0, end = -1;
    for (i = 0; i < hits.length; i++) {
      if (hits[i].x >= end) { sum += hits[i].w; end = hits[i].x + hits[i].w; }
    }
    matchedEl.textContent = "Matched: " + pct(sum, total) + " (" + human(sum) + ")";
    matchedEl.setAttribute("data-matched", String(sum));
  }

  function saveState() {
    var p = [];
    if (zoomed) p.push("x=" + zoomed.x, "d=" + zoomed.d);
    if (query !== null) p.push("s=" + encodeURIComponent(query));
    if (ignoreCase) p.push("i=1");
    try { history.replaceState(null, "", p.length ? "#" + p.join("&") : location.pathname + location.search); }
    catch (e) { /* file: URLs in some browsers */ }
  }
  function loadState() {
    var src = (location.search.replace(/^\?/, "") + "&" + location.hash.replace(/^#/, "")).split("&");
    var st = {};
    src.forEach(function (kv) {
      var k = kv.indexOf("=");
      if (k > 0) {
        try { st[kv.slice(0, k)] = decodeURIComponent(kv.slice(k + 1)); } catch (e) { /* ignore */ }
      }
    });
    if (st.i === "1") { ignoreCase = true; icBtn.classList.add("on"); }
    if (st.x !== undefined && st.d !== undefined) {
      for (var i = 0; i < frames.length; i++)
        if (frames[i].x === Number(st.x) && frames[i].d === Number(st.d) && frames[i].w > 0) {
          zoom(frames[i]);
          break;
        }
    }
    if (st.s !== undefined && st.s !== "") search(st.s);
  }
  window.ghf = { zoom: function (x, d) {
    for (var i = 0; i < frames.length; i++)
      if (frames[i].x === x && frames[i].d === d) { zoom(frames[i]); saveState(); return true; }
    return false;
  }, reset: function () { zoom(null); saveState(); },
     search: function (re) { search(re); saveState(); } };
  if (document.readyState === "loading") window.addEventListener("DOMContentLoaded", init);
  else init();
})();
