// Scripts that run INSIDE the test page, before the panel's own script (Playwright's addInitScript is not subject
// to the page's CSP). Plain JavaScript in strings: the host-side tsconfig has no DOM types.

/** Theme variables as VS Code would set them; distinct chart colours per theme so a test can tell them apart. */
export const THEME_COLORS = {
  dark: { blue: '#00b4ff', orange: '#ff9f1a', purple: '#c586c0', red: '#ff4d4d' },
  light: { blue: '#1040c0', orange: '#b35900', purple: '#8a2be2', red: '#c00000' },
  'high-contrast': { blue: '#3794ff', orange: '#ffb000', purple: '#d0a0ff', red: '#ff6060', border: '#6fc3df' },
} as const;

const THEME_CSS = `
body.vscode-dark {
  --vscode-font-family: system-ui, 'DejaVu Sans', sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: 'DejaVu Sans Mono', monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f;
  --vscode-editorWidget-background: #202020; --vscode-panel-border: #2b2b2b; --vscode-focusBorder: #0078d4;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c; --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c; --vscode-settings-textInputBorder: #3c3c3c;
  --vscode-errorForeground: #f85149; --vscode-inputValidation-errorBackground: #5a1d1d;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-testing-iconPassed: #73c991;
  --vscode-charts-blue: ${THEME_COLORS.dark.blue}; --vscode-charts-orange: ${THEME_COLORS.dark.orange};
  --vscode-charts-purple: ${THEME_COLORS.dark.purple}; --vscode-charts-red: ${THEME_COLORS.dark.red};
}
body.vscode-light {
  --vscode-font-family: system-ui, 'DejaVu Sans', sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: 'DejaVu Sans Mono', monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #717171; --vscode-editor-background: #ffffff;
  --vscode-editorWidget-background: #f8f8f8; --vscode-panel-border: #e5e5e5; --vscode-focusBorder: #005fb8;
  --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #0258a8;
  --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-button-secondaryHoverBackground: #cccccc; --vscode-input-background: #ffffff;
  --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece; --vscode-settings-textInputBorder: #cecece;
  --vscode-errorForeground: #f85149; --vscode-inputValidation-errorBackground: #f2dede;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-textCodeBlock-background: #f3f3f3;
  --vscode-testing-iconPassed: #388a34;
  --vscode-charts-blue: ${THEME_COLORS.light.blue}; --vscode-charts-orange: ${THEME_COLORS.light.orange};
  --vscode-charts-purple: ${THEME_COLORS.light.purple}; --vscode-charts-red: ${THEME_COLORS.light.red};
}
body.vscode-high-contrast {
  --vscode-font-family: system-ui, 'DejaVu Sans', sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: 'DejaVu Sans Mono', monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #ffffff; --vscode-descriptionForeground: #ffffff; --vscode-editor-background: #000000;
  --vscode-editorWidget-background: #0c141f; --vscode-panel-border: #6fc3df; --vscode-focusBorder: #f38518;
  --vscode-contrastBorder: ${THEME_COLORS['high-contrast'].border}; --vscode-contrastActiveBorder: #f38518;
  --vscode-badge-background: #000000; --vscode-badge-foreground: #ffffff;
  --vscode-button-background: #000000; --vscode-button-foreground: #ffffff; --vscode-button-border: #6fc3df;
  --vscode-button-secondaryBackground: #000000; --vscode-button-secondaryForeground: #ffffff;
  --vscode-input-background: #000000; --vscode-input-foreground: #ffffff; --vscode-input-border: #6fc3df;
  --vscode-errorForeground: #f48771; --vscode-inputValidation-errorBackground: #000000;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-textCodeBlock-background: #000000;
  --vscode-testing-iconPassed: #73c991;
  --vscode-charts-blue: ${THEME_COLORS['high-contrast'].blue}; --vscode-charts-orange: ${THEME_COLORS['high-contrast'].orange};
  --vscode-charts-purple: ${THEME_COLORS['high-contrast'].purple}; --vscode-charts-red: ${THEME_COLORS['high-contrast'].red};
}`;

/** Names of the page-side predicates `until()` can wait for. */
export type PagePredicate =
  | 'textIs' | 'hasAttribute' | 'postedType' | 'savedSampleIs' | 'savedStepIs' | 'hasPixelsOfColour' | 'countIs' | 'inputValueIs';

/**
 * A stub `acquireVsCodeApi` (posted messages in `__test.posted`, state in sessionStorage so it survives a reload
 * like VS Code's), the theme (a constructed stylesheet + the body class VS Code sets), CSP violations reported
 * through the console, and helpers the tests call with page.evaluate.
 */
export const PAGE_STUB = `(() => {
  const STATE_KEY = 'vscode-webview-state';
  const test = (window.__test = { posted: [] });

  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
      (e.sample ? ' sample ' + e.sample : ''));
  });

  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi() called twice');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => test.posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => JSON.parse(sessionStorage.getItem(STATE_KEY) || 'null') ?? undefined,
      setState: (s) => { sessionStorage.setItem(STATE_KEY, JSON.stringify(s)); return s; },
    });
  };
  test.savedState = () => JSON.parse(sessionStorage.getItem(STATE_KEY) || 'null');

  const sheet = new CSSStyleSheet();
  sheet.replaceSync(${JSON.stringify(THEME_CSS)});
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  test.setTheme = (kind) => {
    sessionStorage.setItem('test-theme', kind);
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add('vscode-' + kind);
  };
  new MutationObserver((_, observer) => {
    if (!document.body) return;
    observer.disconnect();
    test.setTheme(sessionStorage.getItem('test-theme') || 'dark');
  }).observe(document, { childList: true, subtree: true });

  // Messages this page posted to itself, and how many of them the panel has handled so far (see sendFromHost).
  let posted = 0;
  let handled = 0;
  const waiting = [];
  let counting = false;

  /**
   * Like the host's webview.postMessage: delivered later, as its own task, with step arrays as typed arrays. The
   * promise resolves once the panel's message listener has run for it (what it draws in a later frame or saves
   * when idle still needs waiting for), so a test never reads the page while the message is still queued.
   */
  test.sendFromHost = (message) => {
    const typed = (batch) => batch && Object.assign(batch, {
      losses: Float32Array.from(batch.losses),
      gradNorms: Float32Array.from(batch.gradNorms),
      clipped: Uint8Array.from(batch.clipped),
    });
    if (message.type === 'progress') typed(message);
    if (message.type === 'showRun') typed(message.history);
    if (!counting) {
      // Added at the first send, after the panel registered its own listener when its script ran: listeners run in
      // the order they were added, so this one runs once the panel has handled the message. Messages are delivered
      // in the order they were posted.
      counting = true;
      window.addEventListener('message', (e) => {
        if (e.source !== window) return;
        handled++;
        while (waiting.length > 0 && waiting[0].n <= handled) waiting.shift().resolve();
      });
    }
    const n = ++posted;
    const done = new Promise((resolve) => waiting.push({ n, resolve }));
    window.postMessage(message, '*');
    return done;
  };

  /** Predicates for waitForFunction (named here because the page's CSP forbids evaluating strings). */
  test.textIs = (selector, text) => document.querySelector(selector)?.textContent.trim() === text;
  test.hasAttribute = (selector, name) => document.querySelector(selector)?.hasAttribute(name) === true;
  test.postedType = (type) => test.posted.some((m) => m.type === type);
  test.savedSampleIs = (text) => test.savedState()?.sample?.text === text;
  test.savedStepIs = (step) => test.savedState()?.step === Number(step);
  test.hasPixelsOfColour = (canvasId, hex) => test.pixelsOfColour(canvasId, hex) > 50;
  test.countIs = (selector, n) => document.querySelectorAll(selector).length === Number(n);
  /** The value shown in a text field: a toolkit field's inner <input> (updated on the toolkit's next frame) or an input. */
  test.inputValueIs = (selector, value) => {
    const element = document.querySelector(selector);
    const input = element?.shadowRoot?.querySelector('input') ?? element;
    return input?.value === value;
  };

  /** Pixels of the canvas within a small distance of a #rrggbb colour (line pixels, not antialiased edges). */
  test.pixelsOfColour = (canvasId, hex) => {
    const canvas = document.getElementById(canvasId);
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) n++;
    }
    return n;
  };
})();`;
