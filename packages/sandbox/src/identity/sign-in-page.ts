// The sandbox's sign-in and consent page: one small form, standing in for Microsoft's.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function signInPage(input: {
  action: string;
  params: Record<string, string>;
  appName: string;
  scopes: string[];
  tenantName: string;
  login?: string;
  error?: string;
}): string {
  const hidden = Object.entries(input.params)
    .filter(([name]) => name !== 'login' && name !== 'password')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const scopes = input.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sign in to your account - Exsync sandbox</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #f2f2f2; margin: 0; }
    main { max-width: 420px; margin: 8vh auto; background: #fff; padding: 32px 40px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
    h1 { font-size: 1.4rem; font-weight: 600; }
    label { display: block; margin-top: 12px; }
    input[type=text], input[type=password] { width: 100%; padding: 6px; box-sizing: border-box; }
    .error { color: #a80000; }
    button { margin-top: 20px; padding: 8px 24px; background: #0067b8; color: #fff; border: 0; }
  </style>
</head>
<body>
  <main>
    <p>Exsync sandbox · ${escapeHtml(input.tenantName)}</p>
    <h1>Sign in</h1>
    ${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
    <form method="post" action="${escapeHtml(input.action)}">
      ${hidden}
      <label>Email, phone, or Skype <input type="text" name="login" autocomplete="username" value="${escapeHtml(input.login ?? '')}"></label>
      <label>Password <input type="password" name="password" autocomplete="current-password"></label>
      <p><strong>${escapeHtml(input.appName)}</strong> asks to:</p>
      <ul>${scopes}</ul>
      <button type="submit" name="consent" value="accept">Sign in and accept</button>
      <button type="submit" name="consent" value="decline">Cancel</button>
    </form>
  </main>
</body>
</html>`;
}

/** The device code entry page. */
export function deviceCodePage(input: { userCode: string; error?: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Enter code - Exsync sandbox</title></head>
<body>
  <main>
    <h1>Enter code</h1>
    <p>Enter the code displayed on your app or device.</p>
    ${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
    <form method="post" action="/devicelogin">
      <label>Code <input type="text" name="otc" autocomplete="off" value="${escapeHtml(input.userCode)}"></label>
      <button type="submit">Next</button>
    </form>
  </main>
</body>
</html>`;
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}

/** response_mode=form_post: a page that posts the result to the redirect URI. */
export function formPostPage(redirectUri: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${inputs}
<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
