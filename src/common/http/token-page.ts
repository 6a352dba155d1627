import { escapeHtml } from './html';
import { createHash } from 'node:crypto';

/** A link page's words, already in its language. */
export interface TokenPage {
  /** BCP 47 tag and writing direction of the page's language. */
  language: string;
  direction: 'ltr' | 'rtl';
  title: string;
  intro: string;
  button: string;
  /** The API route the button POSTs `{ token }` to. */
  endpoint: string;
  success: string;
  /** The label of a new-password field whose value is POSTed as `newPassword` with the token. */
  newPassword?: string;
  /** Shown while the request runs, and when the service cannot be reached. */
  working: string;
  unreachable: string;
  /** What to show for an API error, by its code (`other` for the rest): API messages stay English. */
  errors: Record<string, string> & { other: string };
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222}
button{font-size:1em;padding:.6em 1.2em;cursor:pointer}#outcome{margin-top:1.5em}input{font-size:1em;padding:.4em;margin:0 0 1em;width:100%}`;

// Reads the token from the page's own URL and POSTs it; the GET that served the page consumed nothing.
// An error is shown in the page's language by its code; the API's own message is English.
const SCRIPT = `const b=document.getElementById('go'),o=document.getElementById('outcome'),d=b.dataset,e=JSON.parse(d.errors);
b.addEventListener('click',async()=>{b.disabled=true;o.textContent=d.working;
const token=new URLSearchParams(location.search).get('token')||'',pw=document.getElementById('pw');
const body=pw?{token,newPassword:pw.value}:{token};
try{const r=await fetch(d.endpoint,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});
const j=await r.json().catch(()=>({}));o.textContent=r.ok?d.success:(e[j.code]||e.other);o.dataset.code=r.ok?'':(j.code||'');if(!r.ok)b.disabled=false;}
catch{o.textContent=d.unreachable;b.disabled=false;}});`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own inline script and style may run; it may talk to this origin only. */
export const TOKEN_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A small, self-contained page (no external assets) whose button POSTs the link's token. */
export function renderTokenPage(productName: string, page: TokenPage): string {
  return `<!doctype html>
<html lang="${escapeHtml(page.language)}" dir="${page.direction}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(page.title)} · ${escapeHtml(productName)}</title>
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.intro)}</p>
${page.newPassword ? `<label for="pw">${escapeHtml(page.newPassword)}</label><input id="pw" type="password" autocomplete="new-password" required>` : ''}
<button id="go" type="button" data-endpoint="${escapeHtml(page.endpoint)}" data-success="${escapeHtml(page.success)}" data-working="${escapeHtml(page.working)}"
 data-unreachable="${escapeHtml(page.unreachable)}" data-errors="${escapeHtml(JSON.stringify(page.errors))}">${escapeHtml(page.button)}</button>
<p id="outcome" role="status"></p>
<script>${SCRIPT}</script></body></html>`;
}
