// Pure (no vscode): the host's first look at a document before comparing taggers on it. The worker parses the file
// for real; this only lets the command refuse a file that is not token<TAB>tag at once, naming the first bad line.

/** Why `text` is not a tagged file (one line, naming the first bad line), or undefined when every line fits. */
export function taggedFileProblem(text: string, label: string): string | undefined {
  const lines = text.split('\n');
  let tokens = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    const columns = line.split('\t');
    const shown = JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line);
    const at = `${label} is not a tagged file: line ${i + 1} ${shown}`;
    if (columns.length === 1) return `${at} has no tab; each line should be token<TAB>tag, with a blank line between sequences.`;
    if (columns.length > 2) return `${at} has ${columns.length} tab-separated columns; each line should be token<TAB>tag.`;
    if (columns[0].trim() === '') return `${at} has no token before the tab; each line should be token<TAB>tag.`;
    if (columns[1].trim() === '') return `${at} has no tag after the tab; each line should be token<TAB>tag.`;
    tokens++;
  }
  return tokens === 0 ? `${label} has no token<TAB>tag lines to train a tagger on.` : undefined;
}

/** The held-out sibling of a training file: ".../pos-train.tsv" → ".../pos-test.tsv"; undefined for other names. */
export function siblingTestPath(filePath: string): string | undefined {
  return /-train\.tsv$/i.test(filePath) ? filePath.replace(/-train(\.tsv)$/i, '-test$1') : undefined;
}
