/**
 * The console's one stylesheet, served at `/console/assets/console.css` (no CDN, no web font: the system's own
 * fonts, Chinese included). Colours keep a contrast of at least 4.5:1 on their backgrounds.
 */
export const CONSOLE_CSS = `
:root{--fg:#1b1b1b;--muted:#4a4a4a;--bg:#fff;--line:#c9c9c9;--accent:#0b5394;--ok:#1d6b2f;--bad:#a4161a;--soft:#f3f5f8;--warn:#7a4a00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus,pre:focus{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.6rem 1.2rem;background:#12355b;color:#fff}
.top a{color:#fff}
.brand{font-weight:700;text-decoration:none}
.top ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:0}
.top .lang{border:1px solid #fff;border-radius:4px;padding:0 .5rem}
main{max-width:78rem;margin:0 auto;padding:1rem 1.2rem 3rem}
h1{font-size:1.6rem;margin:.6rem 0}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft);word-break:keep-all;overflow-wrap:normal}
caption{text-align:left;font-weight:600;padding:.3rem 0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre.json{background:var(--soft);padding:.6rem;overflow:auto;max-height:28rem}
.muted{color:var(--muted)}
.badge{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 .3rem;font-size:.8rem;margin-left:.3rem}
.kind{color:var(--muted)}
.np{color:var(--warn);font-weight:600}
.ok{color:var(--ok);font-weight:600}
.bad{color:var(--bad);font-weight:600}
.ne{color:var(--muted);font-style:italic}
.actions{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0}
.button,button{display:inline-block;background:var(--accent);color:#fff;border:0;border-radius:4px;padding:.45rem .9rem;font:inherit;cursor:pointer;text-decoration:none}
button.secondary{background:#fff;color:var(--accent);border:1px solid var(--accent)}
form.facts fieldset{border:1px solid var(--line);margin:.5rem 0;padding:.4rem .8rem}
.field{display:grid;grid-template-columns:minmax(12rem,22rem) 1fr;gap:.2rem 1rem;align-items:start;padding:.3rem 0;border-bottom:1px dotted var(--line)}
.field label{font-weight:600}
.field .hint{grid-column:2;color:var(--muted);font-size:.85rem}
input,select,textarea{font:inherit;padding:.25rem .4rem;border:1px solid #767676;border-radius:3px;max-width:100%}
textarea{width:100%;min-height:5rem;font-family:ui-monospace,Menlo,Consolas,monospace}
.req{color:var(--bad);font-weight:400}
.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:flex-end}
.filters label{display:flex;flex-direction:column;font-size:.9rem}
.panel{border:1px solid var(--line);border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.panel.ok{border-color:var(--ok)}
.panel.bad{border-color:var(--bad)}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
tr.changed td{background:#fff4d6}
tr.added td{background:#e5f5e8}
tr.removed td{background:#fbe3e4}
svg.graph text{font-size:13px;fill:var(--fg)}
svg.graph rect{fill:var(--soft);stroke:var(--accent)}
svg.graph line{stroke:var(--accent);stroke-width:1.5}
`;
