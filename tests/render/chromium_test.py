#!/usr/bin/env python3
"""chromium_test.py GOHEAPFLAME WORKDIR — open a rendered SVG in headless
Chromium and check it works: no script errors, a real mouse click zooms,
Ctrl-F + the prompt highlights matches with the right share, and the zoom
and search state survive a reload through the URL.

Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages separated by NUL on fds 3/4), so
no websocket library or npm package is needed."""
import json
import xml.etree.ElementTree as ET
import select
import os
import shutil
import subprocess
import sys
import tempfile
import time

FOLDED = """\
main.main;main.cache;map[string]*main.Entry;main.Entry 50000
main.main;main.cache;map[string]*main.Entry;string 30000
main.main;net/http.Request;[]uint8 100000
globals;main.registry;[]*main.Item;main.Item 80000
globals;main.registry;[]*main.Item;main.Item;[]uint8 40000
globals;main.Item 5000
"""


NMERGED, T_WEIGHT = 300, 37
SVG = "{http://www.w3.org/2000/svg}"


def tenths(v, d):
    """v / d to one decimal, rounded half up (as render.c and flame.js)."""
    return (v * 10 + d // 2) // d


def human(v):
    if v < 1024:
        return f"{v} B"
    d, u = 1024, 0
    while u < 5 and v // d >= 1024:
        d, u = d * 1024, u + 1
    t = tenths(v, d)
    return f"{t // 10}.{t % 10} {['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'][u]}"


def numbers(w, total):
    """What a wide frame shows after its label: weight and share of the graph."""
    t = tenths(w * 100, total)
    return f" \u00b7 {human(w)}, {t // 10}.{t % 10}%"


class Browser:
    def __init__(self, exe, profile):
        r_cmd, w_cmd = os.pipe()   # we write commands, chromium reads fd 3
        r_ev, w_ev = os.pipe()     # chromium writes fd 4, we read
        def setup():
            os.dup2(r_cmd, 3)
            os.dup2(w_ev, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--remote-debugging-pipe", "--user-data-dir=" + profile,
             "about:blank"],
            preexec_fn=setup, pass_fds=(3, 4, r_cmd, w_ev), stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("GHF_CDP_DEBUG") else subprocess.DEVNULL)
        os.close(r_cmd)
        os.close(w_ev)
        self.w, self.r = w_cmd, r_ev
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_msg(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no message from chromium")
            ready, _, _ = select.select([self.r], [], [], max(0.0, deadline - time.time()))
            if not ready:
                raise TimeoutError("no message from chromium")
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        if os.environ.get("GHF_CDP_DEBUG"):
            print("<<", msg[:300], file=sys.stderr)
        return json.loads(msg)

    def post(self, method, params=None, session=None):
        """Send a command; return its id without waiting for the reply."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def reply(self, mid, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("id") == mid:
                    m = self.events.pop(i)
                    if "error" in m:
                        raise RuntimeError(f"command {mid}: {m['error']}")
                    return m["result"]
            self.events.append(self._read_msg(deadline))

    def send(self, method, params=None, session=None, timeout=30):
        return self.reply(self.post(method, params, session), timeout)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read_msg(deadline))

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def find_chromium():
    """Debian's chromium, or None after saying how to install it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found: install Debian's 'chromium' (scripts/install-deps.sh)", file=sys.stderr)
    return chromium


def open_page(b, domains=("Page.enable", "Runtime.enable", "Log.enable")):
    """A new tab attached to b; returns its session id."""
    tid = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    sid = b.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
    for m in domains:
        b.send(m, session=sid)
    return sid


def main():
    exe_ghf, work = sys.argv[1], sys.argv[2]
    chromium = find_chromium()
    if chromium is None:
        return 1
    os.makedirs(work, exist_ok=True)
    folded = os.path.join(work, "chromium.folded")
    svg = os.path.join(work, "chromium.svg")
    with open(folded, "w") as f:
        f.write(FOLDED)
    # Narrow, so many labels are cut and the script's refitting is exercised.
    subprocess.run([exe_ghf, "render", folded, "-o", svg, "--title", "chromium test", "--width", "500"],
                   check=True)
    fw = 480  # drawable width: 500 - 2 * 10
    total = sum(int(l.rsplit(" ", 1)[1]) for l in FOLDED.splitlines())
    # 300 narrow siblings under main.pool (merged at this width) and
    # one wide frame; every tenth has a []uint8 of its own.
    merged_folded = os.path.join(work, "merged.folded")
    merged_svg = os.path.join(work, "merged.svg")
    with open(merged_folded, "w") as f:
        f.write("main.big 10000000\n")
        for k in range(NMERGED):
            w = T_WEIGHT - (4 if k % 10 == 0 else 0)
            f.write(f"main.pool;main.T{k:03d} {w}\n")
            if k % 10 == 0:
                f.write(f"main.pool;main.T{k:03d};[]uint8 4\n")
        f.write("main.pool;main.wide 2000000\n")
    subprocess.run([exe_ghf, "render", merged_folded, "-o", merged_svg, "--width", "500"], check=True)
    pool_total = NMERGED * T_WEIGHT + 2000000
    merged_total = pool_total + 10000000
    # main\.Item$ matches three frames: []*main.Item, main.Item inside it, and
    # globals;main.Item; non-overlapping share = (80000+40000) + 5000.
    want_matched = 125000

    profile = tempfile.mkdtemp(prefix="ghf-chromium-")
    b = Browser(chromium, profile)
    failures = []
    try:
        sid = open_page(b)

        def ev(expr):
            r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=sid)
            if "exceptionDetails" in r:
                raise RuntimeError(f"evaluate {expr!r}: {r['exceptionDetails']}")
            return r["result"].get("value")

        def load(url):
            b.send("Page.navigate", {"url": url}, session=sid)
            b.wait_event("Page.loadEventFired")

        url = "file://" + os.path.abspath(svg)
        load(url)
        nframes = ev("document.querySelectorAll('#frames g.f').length")
        if not nframes or nframes < 10:
            failures.append(f"expected frames in the DOM, found {nframes}")

        labels_js = "[...document.querySelectorAll('#frames g.f text')].map(t=>t.textContent)"
        labels_before = ev(labels_js)
        if not any("\u2026" in l for l in labels_before):
            failures.append("expected some truncated labels at this width")
        # The script draws the first view itself: it must show what the C
        # writer drew for viewers without script, label for label.
        static = [g.find(SVG + "text").text or "" for g in
                  ET.parse(svg).getroot().find(f".//{SVG}g[@id='frames']").findall(SVG + "g")]
        if static != labels_before:
            diff = [(a, b) for a, b in zip(static, labels_before) if a != b][:5]
            failures.append(f"script's labels differ from the writer's ({len(labels_before)} vs {len(static)}): {diff}")
        # Issue 17 item 2: truncation elides the package path from the start,
        # so a cut label is "…" + the end of the name from a '.' or '/'
        # boundary (the type's last element and count stay), or the head of
        # the last element + "…"; never the bare tail of a word ("..tch").
        pairs = ev("[...document.querySelectorAll('#frames g.f')].map(g=>"
                   "[g.querySelector('title').textContent.split('\\n')[0], g.querySelector('text').textContent,"
                   " Number(g.getAttribute('data-w'))])")
        # Issue 17 item 6: a frame wide enough shows its bytes and share of
        # the graph after its whole label, as the PNG does.
        with_numbers = 0
        for name, shown, w in pairs:
            if name != "all" and shown == name + numbers(w, total):
                with_numbers += 1
                continue
            if "\u00b7" in shown:
                failures.append(f"label {shown!r} of {name!r}: numbers differ from {numbers(w, total)!r}")
                break
            if shown.startswith("\u2026"):
                rest = shown[1:]
                ok = name.endswith(rest) and name[len(name) - len(rest) - 1] in "./"
            elif shown.endswith("\u2026"):
                ok = shown[:-1] in name
            else:
                ok = shown in ("", name)
            if not ok:
                failures.append(f"label {shown!r} of {name!r} is not cut at a path element")
                break
        if with_numbers < 3:
            failures.append(f"only {with_numbers} frames show bytes and share; want the wide ones (>= 3)")

        # A real click on the centre of the "main.cache" frame.
        box = ev("""(function(){var g=[...document.querySelectorAll('#frames g.f')].find(
            g=>g.querySelector('title').textContent.split('\\n')[0]==='main.cache');
            var r=g.querySelector('rect').getBoundingClientRect();
            return [r.x+r.width/2, r.y+r.height/2, g.getAttribute('data-x'), g.getAttribute('data-d')];})()""")
        for t in ("mousePressed", "mouseReleased"):
            b.send("Input.dispatchMouseEvent", {"type": t, "x": box[0], "y": box[1], "button": "left",
                                                "clickCount": 1}, session=sid)
        state = ev("""(function(){var fs=[...document.querySelectorAll('#frames g.f')];
            function f(n){return fs.find(g=>g.querySelector('title').textContent.split('\\n')[0]===n);}
            return {w: f('main.cache').querySelector('rect').getAttribute('width'),
                    parentDim: f('main.main').classList.contains('p'),
                    otherHidden: !f('globals'),
                    childW: Number(f('map[string]*main.Entry').querySelector('rect').getAttribute('width')),
                    unzoom: !document.getElementById('unzoom').classList.contains('hide'),
                    hash: location.hash};})()""")
        if state["w"] != f"{fw:.2f}":
            failures.append(f"click did not zoom: main.cache width {state['w']}, want {fw:.2f}")
        if not state["parentDim"]:
            failures.append("ancestor main.main not dimmed after zoom")
        if not state["otherHidden"]:
            failures.append("frame outside the zoomed tower not hidden")
        if abs(state["childW"] - fw) > 0.01:
            failures.append(f"only child of the zoomed frame should span the width, got {state['childW']}")
        if not state["unzoom"]:
            failures.append("Reset Zoom button not shown")
        if f"x={box[2]}&d={box[3]}" not in state["hash"]:
            failures.append(f"zoom not kept in the URL: {state['hash']!r}")

        # Reset, then Ctrl-F and answer the prompt.
        ev("document.getElementById('unzoom').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
        # The script refits labels with the writer's width table: after a
        # reset every label must be what the C writer put there.
        labels_after = ev(labels_js)
        if labels_after != labels_before:
            diff = [(a, b) for a, b in zip(labels_before, labels_after) if a != b][:5]
            failures.append(f"labels after reset differ from the generated ones: {diff}")
        # Ctrl-F opens the search box (no window.prompt) and focuses it;
        # typing searches at every keystroke; Enter closes the box.
        key = b.post("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "f", "code": "KeyF",
                                                "windowsVirtualKeyCode": 70, "modifiers": 2}, session=sid)
        try:
            b.reply(key, timeout=5)
        except TimeoutError:  # the old window.prompt blocks the key event
            b.wait_event("Page.javascriptDialogOpening", timeout=5)
            failures.append("Ctrl-F opened a window.prompt dialog instead of the search box")
            b.send("Page.handleJavaScriptDialog", {"accept": False}, session=sid)
            b.reply(key)
        b.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "f", "code": "KeyF",
                                          "windowsVirtualKeyCode": 70, "modifiers": 2}, session=sid)
        opened = ev("""(function(){var bx=document.getElementById('searchbox');
            return {shown: !!bx && !bx.classList.contains('hide') && bx.getBoundingClientRect().width > 0,
                    focused: document.activeElement && document.activeElement.id};})()""")
        if not opened["shown"] or opened["focused"] != "q":
            failures.append(f"Ctrl-F did not open and focus the search box: {opened}")
        b.send("Input.insertText", {"text": "main\\.E"}, session=sid)
        partial = ev("document.querySelectorAll('#frames g.m').length")
        if partial != 2:  # map[string]*main.Entry and main.Entry
            failures.append(f"typing 'main\\.E' should highlight 2 frames at once, highlighted {partial}")
        ev("document.getElementById('q') && document.getElementById('q').select()")
        b.send("Input.insertText", {"text": "main\\.Item$"}, session=sid)
        for t in ("rawKeyDown", "keyUp"):
            b.send("Input.dispatchKeyEvent", {"type": t, "key": "Enter", "code": "Enter",
                                              "windowsVirtualKeyCode": 13}, session=sid)
        if not ev("!!document.getElementById('searchbox') && document.getElementById('searchbox').classList.contains('hide')"):
            failures.append("Enter did not close the search box")
        s = ev("""(function(){return {n: document.querySelectorAll('#frames g.m').length,
            matched: document.getElementById('matched').textContent,
            sum: document.getElementById('matched').getAttribute('data-matched'),
            fill: getComputedStyle(document.querySelector('#frames g.m rect')).fill,
            hash: location.hash};})()""")
        if s["n"] != 3:
            failures.append(f"search should highlight 3 frames, highlighted {s['n']}")
        if s["sum"] != str(want_matched):
            failures.append(f"matched weight {s['sum']}, want {want_matched}")
        want_pct = f"{100 * want_matched / total:.2f}%"
        if want_pct not in s["matched"]:
            failures.append(f"matched line {s['matched']!r} lacks {want_pct}")
        if "s=main%5C.Item%24" not in s["hash"]:
            failures.append(f"search not kept in the URL: {s['hash']!r}")

        # Reload with zoom + search + ignore case in the URL (via about:blank,
        # or Chromium treats a new hash as a same-document navigation).
        load("about:blank")
        load(url + f"#x={box[2]}&d={box[3]}&s=MAIN%5C.ITEM&i=1")
        r = ev("""(function(){return {hidden: ![...document.querySelectorAll('#frames g.f title')].some(
                t=>t.textContent.split('\\n')[0]==='globals'),
            m: document.getElementById('matched').getAttribute('data-matched'),
            ic: document.getElementById('ignorecase').classList.contains('on')};})()""")
        if r["hidden"] == 0:
            failures.append("zoom from the URL not applied")
        if r["m"] != str(want_matched) or not r["ic"]:
            failures.append(f"ignore-case search from the URL not applied: {r}")

        # A differential graph (render --diff, issue 14) runs the same script:
        # frames, the vanished list under them, a click still zooms.
        old = os.path.join(work, "chromium_old.folded")
        with open(old, "w") as f:
            f.write(FOLDED.replace("main.Entry 50000", "main.Entry 20000") + "globals;main.gone 7000\n")
        dsvg = os.path.join(work, "chromium_diff.svg")
        subprocess.run([exe_ghf, "render", "--diff", old, folded, "-o", dsvg, "--width", "500"], check=True)
        load("about:blank")
        load("file://" + os.path.abspath(dsvg))
        # flame.js draws the frames from the data block and writes a frame's
        # full tooltip when the pointer is over it; a click redraws (pooled
        # elements), so main.cache is looked up again after it.
        d = ev("""(function(){function cache(){return [...document.querySelectorAll('#frames g.f')]
                .find(g=>g.querySelector('title').textContent.split('\\n')[0]==='main.cache');}
            var n=document.querySelectorAll('#frames g.f').length, g=cache();
            g.querySelector('rect').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
            var tip=g.querySelector('title').textContent;
            var label=[...document.querySelectorAll('#frames g.f')]
                .find(g=>g.querySelector('title').textContent.split('\\n')[0]==='main.main').querySelector('text').textContent;
            g.querySelector('rect').dispatchEvent(new MouseEvent('click', {bubbles: true}));
            g=cache();
            return {n: n, vanished: [...document.querySelectorAll('#vanished text')].map(t=>t.textContent),
                    w: g.querySelector('rect').getAttribute('width'), tip: tip, label: label};})()""")
        if d["n"] < 8:
            failures.append(f"diff: expected frames in the DOM, found {d['n']}")
        if len(d["vanished"]) != 2 or "globals \u25b8 main.gone" not in d["vanished"][1]:
            failures.append(f"diff: vanished list {d['vanished']}")
        if d["w"] != f"{fw:.2f}":
            failures.append(f"diff: click did not zoom: main.cache width {d['w']}, want {fw:.2f}")
        if "delta: +30,000 bytes" not in d["tip"]:
            failures.append(f"diff: tooltip of main.cache {d['tip']!r}")
        if d["label"] != "main.main \u00b7 +29.3 KiB":  # the change on the frame, as the PNG shows it
            failures.append(f"diff: main.main's label does not show its change: {d['label']!r}")
        # Issue 17 item 4: a merged "(N more)" frame keeps its members in
        # the file; a click expands it in place, reset collapses it again.
        # Frames are drawn by the script: g.f elements carry data-i (the
        # frame's index), data-r (collapsed: its merged frame's index).
        load("file://" + os.path.abspath(merged_svg))
        H = ("function F(){return [...document.querySelectorAll('#frames > g.f')];}"
             "function byI(i){return F().find(g=>g.getAttribute('data-i')===String(i));}"
             "function byName(n){return F().find(g=>g.querySelector('title').textContent.split('\\n')[0]===n);}"
             "function members(i){return F().filter(g=>g.getAttribute('data-r')===String(i));}")
        m = ev(H + """(function(){var g=F().find(g=>g.getAttribute('data-more')==='2');
            if(!g)return null;var r=g.querySelector('rect').getBoundingClientRect();
            g.querySelector('rect').dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));
            return {i:Number(g.getAttribute('data-i')),title:g.querySelector('title').textContent,
                    x:r.x+r.width/2,y:r.y+r.height/2,
                    x0:Number(g.getAttribute('data-x')),d:Number(g.getAttribute('data-d')),w:Number(g.getAttribute('data-w')),
                    shownMembers:members(g.getAttribute('data-i')).length};})()""")
        if m is None:
            failures.append("no expandable merged frame in an SVG with 300 narrow siblings")
        else:
            if f"{NMERGED} frames merged; click to expand" not in m["title"]:
                failures.append(f"merged frame tooltip does not offer expansion: {m['title']!r}")
            if m["shownMembers"] != 0:
                failures.append(f"{m['shownMembers']} members of the merged frame shown before it is expanded")
            for t in ("mousePressed", "mouseReleased"):
                b.send("Input.dispatchMouseEvent", {"type": t, "x": m["x"], "y": m["y"], "button": "left",
                                                    "clickCount": 1}, session=sid)
            st = ev(H + """(function(){
                function name(g){return g.querySelector('title').textContent.split('\\n')[0];}
                var shown=members(%d).filter(g=>g.getBoundingClientRect().width>0);
                var top=shown.filter(g=>g.getAttribute('data-d')==='%d');
                return {mergedDrawn: !!byI(%d), shown: shown.length, names: top.map(name),
                        width: top.reduce((a,g)=>a+Number(g.querySelector('rect').getAttribute('width')),0),
                        hash: location.hash};})()""" % (m["i"], m["d"], m["i"]))
            want_names = sorted(f"main.T{k:03d}" for k in range(NMERGED))
            if st["mergedDrawn"]:
                failures.append("the merged frame stays drawn after its expansion")
            if sorted(st["names"]) != want_names:
                failures.append(f"expanded members: {len(st['names'])} shown, want the {NMERGED} merged frames")
            # Members and the []uint8 under every tenth member.
            if st["shown"] != NMERGED + NMERGED // 10:
                failures.append(f"{st['shown']} collapsed frames shown after expansion, want {NMERGED + NMERGED // 10}")
            if abs(st["width"] - fw) > 0.5:
                failures.append(f"expanded members span {st['width']:.2f} px, want the zoomed width {fw}")
            if "&w=" not in st["hash"]:
                failures.append(f"expansion not kept in the URL: {st['hash']!r}")
            # Issue 17 item 8: the details line of a member gives its share
            # of all, of its parent (main.pool) and of the zoomed (expanded)
            # frame; the tooltip names own and retained counts.
            d = ev(H + """(function(){var g=byName('main.T005');
                g.querySelector('rect').dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));
                return [document.getElementById('details').textContent, g.querySelector('title').textContent];})()""")
            mw = T_WEIGHT
            for part in (f"retained {mw} B", f"{100 * mw / merged_total:.2f}% of all",
                         f"{100 * mw / pool_total:.2f}% of parent", f"{100 * mw / (NMERGED * T_WEIGHT):.2f}% of zoomed frame"):
                if part not in d[0]:
                    failures.append(f"details line {d[0]!r} lacks {part!r}")
            want_title = (f"main.T005\nretained: {mw} bytes ({mw} B), {100 * mw / merged_total:.2f}% of all, "
                          f"{100 * mw / pool_total:.2f}% of parent\nshallow: {mw} bytes ({mw} B)\nstacks: 1")
            if d[1] != want_title:
                failures.append(f"tooltip {d[1]!r}, want {want_title!r}")
            # Zooming further, on a member, keeps its merged frame open.
            z = ev(H + """(function(){var g=byName('main.T010');
                window.ghf.zoom(Number(g.getAttribute('data-x')),Number(g.getAttribute('data-d')),Number(g.getAttribute('data-w')));
                g=byName('main.T010');var c=byName('[]uint8');
                return {w: g.querySelector('rect').getAttribute('width'), label: g.querySelector('text').textContent,
                        child: c ? c.querySelector('text').textContent : null, merged: !!byI(%d)};})()""" % m["i"])
            if z["w"] != f"{fw:.2f}" or not z["label"].startswith("main.T010") or z["merged"]:
                failures.append(f"zoom on an expanded member: {z}")
            if z["child"] is None or not z["child"].startswith("[]uint8"):
                failures.append(f"the []uint8 under an expanded member is not drawn when zoomed: {z}")
            hash_ = st["hash"]
            load("about:blank")
            load("file://" + os.path.abspath(merged_svg) + hash_)
            again = ev(H + "members(%d).length" % m["i"])
            if again != st["shown"]:
                failures.append(f"expansion from the URL shows {again} frames, want {st['shown']}")
            # Reset collapses; a search still finds a collapsed member and
            # marks the merged frame that holds it.
            ev("window.ghf.reset()")
            r2 = ev(H + """(function(){var shown=members(%d).length;
                window.ghf.search('^main\\\\.T123$');
                return {shown: shown, mergedMarked: byI(%d).classList.contains('m'),
                        matched: document.getElementById('matched').getAttribute('data-matched')};})()""" % (m["i"], m["i"]))
            if r2["shown"] != 0:
                failures.append(f"{r2['shown']} members still shown after Reset Zoom")
            if not r2["mergedMarked"] or r2["matched"] != str(T_WEIGHT):
                failures.append(f"search for a collapsed member: {r2}, want the merged frame marked and {T_WEIGHT} matched")

        errors = [e for e in b.events if e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
                  or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")]
        for e in errors:
            failures.append("script error: " + json.dumps(e["params"])[:300])
    except Exception as e:  # keep what failed before, say where it stopped
        failures.append(f"test stopped: {type(e).__name__}: {str(e)[-300:]}")
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ok: no script errors; click zooms; Ctrl-F search highlights; URL state restores")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
