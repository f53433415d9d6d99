// The Model view's host side, its pure parts: "Duplicate with Changes…" settings reach a showing page exactly once
// (a hidden view drops messages and reloads from its saved state), and "Save as Experiment File…" never replaces a
// file the Save dialog did not ask about (the chosen name corrected to *.seqlab.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmedExperimentPath, experimentFilePath } from '../../src/sidebar/experimentSavePath';
import { PageDelivery } from '../../src/sidebar/pageDelivery';

/** A view whose page keeps only what it receives while it is showing and listening (as a non-retained webview view). */
function fakeView() {
  const received: string[] = [];
  const view = { visible: false, listening: false };
  const delivery = new PageDelivery<string>((m) => {
    if (view.visible && view.listening) received.push(m);
  });
  return {
    received,
    duplicate: (settings: string) => delivery.offer(settings, view.visible),
    show: () => {
      view.visible = true;
      view.listening = true;
      delivery.pageReady();
    },
    hide: () => {
      view.visible = false;
      view.listening = false;
      delivery.pageGone();
    },
  };
}

test('duplicating while the Model view is hidden fills the form when it is shown, once', () => {
  const v = fakeView();
  v.show();
  v.hide();
  v.duplicate('run A settings');
  assert.deepEqual(v.received, [], 'a hidden page receives nothing');
  v.show();
  assert.deepEqual(v.received, ['run A settings'], 'the reloaded page gets the run\'s settings, not its saved ones');
  v.hide();
  v.show();
  assert.deepEqual(v.received, ['run A settings'], 'a later reload keeps what the user changed since');
});

test('duplicating while the view is showing fills it at once; before it ever loaded, when it loads', () => {
  const v = fakeView();
  v.duplicate('run A');
  v.duplicate('run B');
  v.show();
  assert.deepEqual(v.received, ['run B'], 'only the latest duplicate');
  v.duplicate('run C');
  assert.deepEqual(v.received, ['run B', 'run C']);
  v.hide();
  v.show();
  assert.deepEqual(v.received, ['run B', 'run C']);
});

test('the experiment file name always ends in .seqlab.json', () => {
  assert.equal(experimentFilePath('/w/verse-lstm.seqlab.json'), '/w/verse-lstm.seqlab.json');
  assert.equal(experimentFilePath('/w/Verse.SEQLAB.JSON'), '/w/Verse.SEQLAB.JSON');
  assert.equal(experimentFilePath('/w/foo.json'), '/w/foo.seqlab.json');
  assert.equal(experimentFilePath('/w/foo.JSON'), '/w/foo.seqlab.json');
  assert.equal(experimentFilePath('/w/foo'), '/w/foo.seqlab.json');
});

function checks(existing: string[], answer: boolean) {
  const asked: string[] = [];
  return {
    asked,
    exists: async (p: string) => existing.includes(p),
    confirmReplace: async (fileName: string, chosenName: string) => {
      asked.push(`${chosenName} -> ${fileName}`);
      return answer;
    },
  };
}

test('a corrected name that already exists is replaced only after the user confirms', async () => {
  const no = checks(['/w/foo.seqlab.json'], false);
  assert.equal(await confirmedExperimentPath('/w/foo.json', no), undefined, 'declined: nothing is written');
  assert.deepEqual(no.asked, ['foo.json -> foo.seqlab.json']);
  const yes = checks(['/w/foo.seqlab.json'], true);
  assert.equal(await confirmedExperimentPath('/w/foo.json', yes), '/w/foo.seqlab.json');
  const fresh = checks([], false);
  assert.equal(await confirmedExperimentPath('/w/foo.json', fresh), '/w/foo.seqlab.json');
  assert.deepEqual(fresh.asked, [], 'a new file needs no question');
  const unchanged = checks(['/w/foo.seqlab.json'], false);
  assert.equal(await confirmedExperimentPath('/w/foo.seqlab.json', unchanged), '/w/foo.seqlab.json');
  assert.deepEqual(unchanged.asked, [], 'the Save dialog already asked about the name it showed');
});
