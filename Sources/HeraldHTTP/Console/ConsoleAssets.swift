/// The console's stylesheet and script, served from the binary
/// (`/console/assets/…`): no CDN, nothing fetched from elsewhere.
enum ConsoleAssets {
    static let css = """
        :root { --ink: #1d2330; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; --bad: #b91c1c; --ok: #15803d; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f8fafc; }
        header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
        header .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        nav a { margin-right: 1rem; color: var(--muted); text-decoration: none; }
        nav a[aria-current] { color: var(--accent); font-weight: 600; }
        .logout { margin-left: auto; color: var(--muted); }
        main { max-width: 1100px; margin: 1.5rem auto; padding: 0 1.5rem; }
        h1 { font-size: 1.4rem; margin: 0 0 1rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; color: var(--muted); font-size: .85rem; }
        td.empty { color: var(--muted); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
        dt { color: var(--muted); } dd { margin: 0; }
        .muted { color: var(--muted); } .bad { color: var(--bad); } .ok { color: var(--ok); }
        .actions { display: flex; gap: .5rem; margin: 1rem 0; } .actions form { margin: 0; }
        button { font: inherit; padding: .35rem .9rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
        button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
        input[type=text], input[type=password] { font: inherit; padding: .35rem .6rem; border: 1px solid var(--line); border-radius: 6px; min-width: 22rem; }
        .error { color: var(--bad); }
        svg .bar { fill: var(--accent); } svg .track { fill: var(--line); } svg .label, svg .value { font-size: 12px; fill: var(--ink); }
        svg .line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
        .login { max-width: 28rem; margin: 4rem auto; background: #fff; border: 1px solid var(--line); padding: 1.5rem; border-radius: 8px; }
        code { font-size: .85rem; }
        """

    /// Live refresh: every few seconds the page is fetched again and its
    /// `main` swapped in. Reading needs no script; without one the page is
    /// simply not refreshed.
    static let javascript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          var main = document.querySelector("main[data-live]");
          if (!main || !window.fetch || !window.DOMParser) return;
          var seconds = parseInt(main.getAttribute("data-live"), 10) || 5;
          setInterval(function () {
            if (document.activeElement && document.activeElement.tagName === "INPUT") return;
            fetch(location.href, { credentials: "same-origin" }).then(function (response) {
              if (!response.ok || response.redirected) return null;
              return response.text();
            }).then(function (html) {
              if (!html) return;
              var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main[data-live]");
              if (fresh) main.innerHTML = fresh.innerHTML;
            }).catch(function () {});
          }, seconds * 1000);
        });
        """
}
