// The panel base every webview panel controller extends (src/base/panelBase.ts), run against a stand-in for the
// `vscode` module: a panel revived after a window reload gets the state its page saved and replaces the open one;
// a message the channel's validator refuses never reaches the controller; disposing (or closing the tab) releases
// every listener once and the panel once; and there is one panel per key. Checked on a small controller written
// here and on the real Trellis panel (src/hmm/trellisPanel.ts).
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type * as PanelBaseModule from '../../src/base/panelBase';
import { createDispatcher, isTagged } from '../../src/shared/messages';
import { FakeWebviewPanel, installFakeVscode, l10nFormat, uninstallFakeVscode, type Listener } from './fakeVscode';

/** A panel whose listeners are really removed when their disposables are disposed, counting every release. */
class CountingPanel extends FakeWebviewPanel {
  released = 0;
  panelDisposals = 0;
  readonly state: { listeners: Set<Listener> } = { listeners: new Set() };
  constructor() {
    super();
    const webview = this.webview as { onDidReceiveMessage: (l: Listener) => { dispose(): void } };
    webview.onDidReceiveMessage = (listener: Listener) => {
      this.received.push(listener);
      return this.release(() => this.received.splice(this.received.indexOf(listener), 1));
    };
  }
  override onDidDispose(listener: Listener): { dispose(): void } {
    super.onDidDispose(listener);
    return this.release(() => undefined);
  }
  override dispose(): void {
    if (!this.disposed) this.panelDisposals++;
    super.dispose();
  }
  private release(remove: () => void): { dispose(): void } {
    let done = false;
    return {
      dispose: () => {
        if (done) assert.fail('a listener was released twice');
        done = true;
        this.released++;
        remove();
      },
    };
  }
}

const created: CountingPanel[] = [];
const revealed: CountingPanel[] = [];
const serializers = new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>();
const fakeVscode = {
  ViewColumn: { Beside: -2 },
  Uri: { joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/'), toString: () => [base.path, ...parts].join('/') }) },
  window: {
    createWebviewPanel: () => {
      const panel = new CountingPanel();
      panel.reveal = () => void revealed.push(panel);
      created.push(panel);
      return panel;
    },
    registerWebviewPanelSerializer: (viewType: string, serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }) => {
      serializers.set(viewType, serializer);
      return { dispose: () => serializers.delete(viewType) };
    },
    showErrorMessage: async () => undefined,
  },
  l10n: { t: l10nFormat },
};

// ── A small controller on the base: a page of notes, whose page saves the note shown ──
type NotesToHost = { type: 'ready' } | { type: 'note'; text: string };
type HostToNotes = { type: 'show'; text: string } | { type: 'gone' };
function parseNotesMessage(raw: unknown): NotesToHost | undefined {
  if (!isTagged(raw)) return undefined;
  const m = raw as { type: string; text?: unknown };
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'note' && typeof m.text === 'string' && m.text.length <= 100) return { type: 'note', text: m.text };
  return undefined;
}

let base: typeof PanelBaseModule;
let NotesPanel: ReturnType<typeof defineNotesPanel>;

function defineNotesPanel(b: typeof PanelBaseModule) {
  const KIND = { viewType: 'sequenceLab.notes', bundle: 'notes', title: 'Sequence Lab: Notes', parse: parseNotesMessage };
  return class NotesPanel extends b.PanelBase<NotesToHost, HostToNotes> {
    static readonly open = new b.OpenPanels<NotesPanel>();
    readonly handled: NotesToHost[] = [];
    readonly refusedRaw: unknown[] = [];
    extraReleased = 0;

    static show(key: string): NotesPanel {
      return NotesPanel.open.show(key, () => new NotesPanel(b.createPanel(KIND, { path: '/ext' } as never), undefined)).panel;
    }

    static register() {
      return b.registerPanelSerializer(KIND.viewType, (panel, state) => {
        const text = (state as { text?: unknown } | undefined)?.text;
        NotesPanel.open.revive(b.ONE_PER_WINDOW, () => new NotesPanel(panel, typeof text === 'string' ? text : undefined));
      });
    }

    private constructor(panel: import('vscode').WebviewPanel, private text: string | undefined) {
      super(panel, { path: '/ext' } as never, KIND);
      this._register({ dispose: () => void this.extraReleased++ });
    }

    protected override refused(raw: unknown): void {
      this.refusedRaw.push(raw);
    }

    protected readonly handle = createDispatcher<NotesToHost>({
      ready: (m) => {
        this.handled.push(m);
        this.post(this.text === undefined ? { type: 'gone' } : { type: 'show', text: this.text });
      },
      note: (m) => {
        this.handled.push(m);
        this.text = m.text;
      },
    });

    say(text: string): void {
      this.post({ type: 'show', text });
    }
  };
}

before(async () => {
  installFakeVscode(fakeVscode);
  base = await import('../../src/base/panelBase');
  NotesPanel = defineNotesPanel(base);
});

after(() => uninstallFakeVscode());

beforeEach(() => {
  for (const p of [...NotesPanel.open.values()]) p.dispose();
  created.length = 0;
  revealed.length = 0;
});

test('revive after a window reload: the panel gets the state its page saved and replaces the open one', async () => {
  const registration = NotesPanel.register();
  const before = NotesPanel.show(base.ONE_PER_WINDOW);
  const restored = new CountingPanel();
  await serializers.get('sequenceLab.notes')!.deserializeWebviewPanel(restored, { text: 'kept across the reload' });
  const revived = NotesPanel.open.get()!;
  assert.notEqual(revived, before, 'the revived panel is the open one now');
  assert.equal(created[0].disposed, true, 'the panel it replaced is closed');
  assert.equal(before.extraReleased, 1);
  // The restored page has the strict-CSP page of its bundle and says `ready`: it is sent what the state held.
  assert.match(restored.webview.html, /Content-Security-Policy/);
  assert.match(restored.webview.html, /dist\/webview\/notes\.js/);
  restored.fromPage({ type: 'ready' });
  assert.deepEqual(restored.posted, [{ type: 'show', text: 'kept across the reload' }]);
  registration.dispose();
});

test('a message the validator refuses is not dispatched; a valid one is, once', () => {
  const notes = NotesPanel.show(base.ONE_PER_WINDOW);
  const page = created[0];
  const bad = [{ type: 'note', text: 42 }, { type: 'note', text: 'x'.repeat(101) }, { type: 'delete' }, 'note', null, { text: 'no type' }];
  for (const m of bad) page.fromPage(m);
  assert.deepEqual(notes.handled, []);
  assert.deepEqual(notes.refusedRaw, bad);
  page.fromPage({ type: 'note', text: 'hello', extra: 'dropped by the validator' });
  assert.deepEqual(notes.handled, [{ type: 'note', text: 'hello' }]);
});

test('dispose releases every listener once and the panel once; closing the tab does the same; nothing is posted after', () => {
  const notes = NotesPanel.show(base.ONE_PER_WINDOW);
  const page = created[0];
  notes.dispose();
  notes.dispose();
  assert.equal(page.panelDisposals, 1);
  assert.equal(notes.extraReleased, 1);
  // The message handler, the close listener and the export tracker's message listener: each released once.
  assert.equal(page.released, 3);
  assert.equal(page.received.length, 0, 'no message listener is left on the closed panel');
  assert.equal(NotesPanel.open.get(), undefined);
  assert.doesNotThrow(() => notes.say('late answer'), 'a late post to a closed panel must not throw');

  const other = NotesPanel.show(base.ONE_PER_WINDOW);
  const tab = created[1];
  tab.dispose(); // the user closes the tab
  assert.equal(other.extraReleased, 1);
  assert.equal(tab.released, 3);
  assert.equal(NotesPanel.open.get(), undefined);
  other.dispose();
  assert.equal(other.extraReleased, 1);
});

test('one panel per key: showing again reveals the open one; another key gets its own; a closed one is made anew', () => {
  const first = NotesPanel.show('run-1');
  assert.equal(NotesPanel.show('run-1'), first);
  assert.equal(created.length, 1);
  assert.deepEqual(revealed, [created[0]]);
  const second = NotesPanel.show('run-2');
  assert.notEqual(second, first);
  assert.equal(created.length, 2);
  first.dispose();
  assert.equal(NotesPanel.open.get('run-2'), second, 'closing one key leaves the others');
  const again = NotesPanel.show('run-1');
  assert.notEqual(again, first);
  assert.equal(created.length, 3);
});

test('the Trellis panel on the base: a revived page hears the decoding is gone, an out-of-range step is not selected', async () => {
  const { TrellisPanel, registerTrellisPanelSerializer } = await import('../../src/hmm/trellisPanel');
  const selected: number[] = [];
  const source = { currentWindow: () => undefined, selectStep: (step: number) => void selected.push(step) };
  const registration = registerTrellisPanelSerializer({ path: '/ext' } as never, source);
  const restored = new CountingPanel();
  await serializers.get('sequenceLab.trellis')!.deserializeWebviewPanel(restored, { view: 'saved by the page' });
  assert.ok(TrellisPanel.instance);
  restored.fromPage({ type: 'ready' });
  assert.equal((restored.posted[0] as { type: string }).type, 'detached');
  restored.fromPage({ type: 'selectStep', step: -1 });
  restored.fromPage({ type: 'selectStep', step: 2.5 });
  restored.fromPage({ type: 'selectStep', step: 3 });
  assert.deepEqual(selected, [3]);
  restored.dispose();
  assert.equal(TrellisPanel.instance, undefined);
  assert.equal(restored.released, 3);
  registration.dispose();
});
