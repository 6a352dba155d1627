import { escapeHtml } from './html';
import { createHash } from 'node:crypto';

export interface TokenPage {
  title: string;
  intro: string;
  button: string;
  /** The API route the button POSTs `{ token }` to. */
  endpoint: string;
  success: string;
  /** A new-password field whose value is POSTed as `newPassword` with the token. */
  newPassword?: boolean;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em;color:#222}
button{font-size:1em;padding:.6em 1.2em;cursor:pointer}#outcome{margin-top:1.5em}input{font-size:1em;padding:.4em;margin:0 0 1em;width:100%}`;

// Reads the token from the page's own URL and POSTs it; the GET that served the page consumed nothing.
const SCRIPT = `const b=document.getElementById('go'),o=document.getElementById('outcome');
b.addEventListener('click',async()=>{b.disabled=true;o.textContent='…';
const token=new URLSearchParams(location.search).get('token')||'',pw=document.getElementById('pw');
const body=pw?{token,newPassword:pw.value}:{token};
try{const r=await fetch(b.dataset.endpoint,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});
const j=await r.json().catch(()=>({}));o.textContent=r.ok?b.dataset.success:(j.message||'Something went wrong.');if(!r.ok)b.disabled=false;}
catch{o.textContent='The service could not be reached. Try again.';b.disabled=false;}});`;

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
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(page.title)} · ${escapeHtml(productName)}</title>
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.intro)}</p>
${page.newPassword ? '<label for="pw">New password</label><input id="pw" type="password" autocomplete="new-password" required>' : ''}
<button id="go" type="button" data-endpoint="${escapeHtml(page.endpoint)}" data-success="${escapeHtml(page.success)}">${escapeHtml(page.button)}</button>
<p id="outcome" role="status"></p>
<script>${SCRIPT}</script></body></html>`;
}
