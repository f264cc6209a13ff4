// What a person does in the VS Code workbench, as playwright-core calls: open a file from the
// explorer, select text with the mouse, run a palette command, hover, and read what webviews show.
// Every wait polls with a deadline (no blind sleeps) and fails with a message saying what it
// waited for and what it last saw.
import { join } from 'node:path';

const POLL_MS = 200;

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  /**
   * `commandTitles`: English palette title → the title the palette shows in the workbench's
   * language (our commands in French); titles not in it (VS Code's own) are typed as given.
   */
  constructor(page, { shots, log = () => {}, commandTitles = new Map() }) {
    this.page = page;
    this.shots = shots;
    this.log = log;
    this.commandTitles = commandTitles;
  }

  async poll(probe, ok, what, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        last = await probe();
        if (ok(last)) return last;
      } catch (err) {
        last = `error: ${err.message.split('\n')[0]}`;
      }
      if (Date.now() > deadline) {
        const seen = typeof last === 'string' ? last : JSON.stringify(last);
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${seen?.slice(0, 600)}`);
      }
      await this.page.waitForTimeout(POLL_MS);
    }
  }

  /** The activation time (ms) Developer: Show Running Extensions shows on the row whose text includes `title`. */
  async activationTime(title, timeoutMs = 30_000) {
    const row = this.page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: title });
    const text = await this.poll(() => row.first().innerText(), (t) => /Activation:\s*\d+\s*ms/.test(t), `the Running Extensions row of ${title}`, timeoutMs);
    return Number(/Activation:\s*(\d+)\s*ms/.exec(text)[1]);
  }

  screenshot(name) {
    return this.page.screenshot({ path: join(this.shots, `${name}.png`) });
  }

  async waitForWorkbench() {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await this.poll(() => this.page.locator('.explorer-folders-view .monaco-list-row').count(), (n) => n > 0, 'the explorer to list the workspace', 60_000);
  }

  explorerRow(name) {
    const row = this.page.locator('.explorer-folders-view .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
    });
    return this.poll(() => row.count(), (n) => n === 1, `the explorer row "${name}"`).then(() => row);
  }

  async openFromExplorer(name) {
    // Another view (e.g. our side panel) may hold the side bar: bring the explorer back.
    if (!(await this.page.locator('.explorer-folders-view').isVisible())) await this.runCommand('View: Show Explorer');
    const row = await this.explorerRow(name);
    await row.click();
    const tab = this.page.locator('.tabs-container .tab.active .label-name', { hasText: name });
    await this.poll(() => tab.count(), (n) => n > 0, `the editor tab of ${name}`);
    await this.poll(() => this.page.locator('.editor-instance .monaco-editor .view-line').count(), (n) => n > 0, `the text of ${name}`);
  }

  /** Viewport rectangle of `text.slice(start, end)` inside the editor line that reads `lineText`. */
  async textRect(lineText, start, end) {
    const rect = await this.page.evaluate(({ lineText, start, end }) => {
      const norm = (s) => s.replace(/\u00a0/g, ' ');
      const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor') ?? document.querySelector('.editor-instance .monaco-editor');
      const lines = [...(editor?.querySelectorAll('.view-line') ?? [])];
      const line = lines.find((l) => norm(l.textContent ?? '') === lineText) ?? lines.find((l) => norm(l.textContent ?? '').includes(lineText));
      if (!line) return { error: `no visible line reads "${lineText}"; lines: ${lines.map((l) => norm(l.textContent ?? '')).join(' | ').slice(0, 400)}` };
      const offset = norm(line.textContent ?? '').indexOf(lineText);
      const at = (index) => {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let seen = 0;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const len = n.textContent.length;
          if (index <= seen + len) return { node: n, offset: index - seen };
          seen += len;
        }
        return undefined;
      };
      const a = at(offset + start);
      const b = at(offset + end);
      if (!a || !b) return { error: 'range outside the line' };
      const range = document.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      const r = range.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }, { lineText, start, end });
    if (rect.error) throw new Error(rect.error);
    return rect;
  }

  /** The status bar's "(N selected)" count, or 0. */
  async selectedCount() {
    const text = await this.page.locator('.statusbar').innerText();
    const m = /\((\d+) selected\)/.exec(text);
    return m ? Number(m[1]) : 0;
  }

  /** Selects `text` (inside a visible editor line) with a click at its start and a shift-click at its end. */
  async selectLineText(text, lineText = text) {
    const start = lineText.indexOf(text);
    const r = await this.textRect(lineText, start, start + text.length);
    const y = (r.top + r.bottom) / 2;
    await this.page.mouse.click(r.left + 1, y);
    await this.page.keyboard.down('Shift');
    await this.page.mouse.click(r.right - 1, y);
    await this.page.keyboard.up('Shift');
    await this.poll(() => this.selectedCount(), (n) => n === text.length, `a selection of ${text.length} characters ("${text}")`, 5_000);
  }

  /** Selects one word by double-clicking it. */
  async selectWord(word, lineText) {
    const start = lineText.indexOf(word);
    const r = await this.textRect(lineText, start, start + word.length);
    await this.page.mouse.dblclick((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    await this.poll(() => this.selectedCount(), (n) => n === word.length, `the word "${word}" selected`, 5_000);
  }

  /** F1, the command's title, Enter — as a person runs a command from the palette. */
  async runCommand(englishTitle) {
    const title = this.commandTitles.get(englishTitle) ?? englishTitle;
    this.log(`palette: ${title}`);
    const widget = this.page.locator('.quick-input-widget');
    await this.page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    await this.page.keyboard.type(title);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await this.poll(() => rows.allInnerTexts(), (list) => list.some((t) => t.split('\n')[0].trim() === title), `"${title}" in the command palette`, 10_000);
    // The best match is focused first. A recently used command whose title starts with this one
    // ("Show Attention Step by Step" for "Show Attention") comes first: arrow down to ours, as a person would.
    const focusedTitle = async () => (await this.page.locator('.quick-input-widget .monaco-list-row.focused').innerText()).split('\n')[0].trim();
    for (let moves = 0; (await focusedTitle()) !== title; moves++) {
      if (moves === 5) throw new Error(`the palette's focused match is "${await focusedTitle()}", not "${title}"`);
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  async focusEditor() {
    await this.runCommand('View: Focus First Editor Group');
  }

  async panelTitles() {
    return this.page.locator('.tabs-container .tab .label-name').allInnerTexts();
  }

  /** Evaluates `fn` in every frame (webviews live in nested iframes), keeping what it finds per frame. */
  async inFrames(fn, arg, { view } = {}) {
    const found = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      if (view !== undefined && isViewFrame(frame) !== view) continue;
      try {
        const value = await frame.evaluate(fn, arg);
        if (value) found.push({ frame, value });
      } catch { /* frame navigated or detached meanwhile */ }
    }
    return found;
  }

  /** Chips of the most recently filled webview that satisfy `ok`. */
  async waitForChips(ok, what, { view } = {}) {
    const read = () => this.inFrames(() => {
      const chips = [...document.querySelectorAll('.token-chip')].filter((e) => e.getClientRects().length > 0);
      return chips.length ? chips.map((e) => ({
        id: e.getAttribute('data-token-id'),
        token: e.getAttribute('data-token'),
        // The chip's own text, without the id badge some views add.
        text: ((e.querySelector('.chip-text') ?? e).textContent ?? '').replace(/\u200b/g, ''),
        tokenizer: e.closest('[data-tokenizer]')?.getAttribute('data-tokenizer') ?? undefined,
      })) : undefined;
    }, undefined, { view });
    const frames = await this.poll(read, (list) => list.some((f) => ok(f.value)), what);
    return frames.filter((f) => ok(f.value)).at(-1).value;
  }

  async waitForBpe(ok, what) {
    const read = () => this.inFrames(() => {
      const steps = document.querySelectorAll('.bpe-step').length;
      const current = [...document.querySelectorAll('.bpe-step')].findIndex((e) => e.classList.contains('current')) + 1;
      const finals = [...document.querySelectorAll('.bpe-final-token')].map((e) => ({ token: e.getAttribute('data-token'), text: e.textContent ?? '' }));
      return steps || finals.length ? { steps, current, finals } : undefined;
    });
    const frames = await this.poll(read, (list) => list.some((f) => ok(f.value)), what);
    return frames.filter((f) => ok(f.value)).at(-1).value;
  }

  /** Clicks `selector` in the (last) webview frame that also shows `context`. */
  async clickInFrames(selector, context = selector) {
    const found = await this.inFrames(([sel, ctx]) => (document.querySelector(sel) && document.querySelector(ctx) ? true : undefined), [selector, context]);
    if (!found.length) throw new Error(`no webview shows ${selector}`);
    await found.at(-1).frame.locator(selector).first().click();
  }

  /** Clicks the last element matching `selector` in the webview frame that has one. */
  async clickLastInFrames(selector) {
    const found = await this.inFrames((sel) => document.querySelectorAll(sel).length || undefined, selector);
    if (!found.length) throw new Error(`no webview shows ${selector}`);
    await found.at(-1).frame.locator(selector).last().click();
  }

  async waitForRows(selector, ok, what) {
    const read = () => this.inFrames((sel) => {
      const rows = [...document.querySelectorAll(sel)].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim());
      return rows.length ? rows : undefined;
    }, selector);
    const frames = await this.poll(read, (list) => list.some((f) => ok(f.value)), what);
    return frames.filter((f) => ok(f.value)).at(-1).value;
  }

  /**
   * Moves the mouse over `word` and waits for a hover whose text satisfies `ok`. The first hover
   * after start-up can be missed, so it moves away and back between attempts.
   */
  async hoverWord(word, lineText, ok) {
    const start = lineText.indexOf(word);
    const hover = this.page.locator('.monaco-hover-content');
    let last = '';
    for (let attempt = 1; attempt <= 4; attempt++) {
      const r = await this.textRect(lineText, start, start + word.length);
      await this.page.mouse.move(5, 5);
      await this.page.waitForTimeout(300);
      await this.page.mouse.move((r.left + r.right) / 2, (r.top + r.bottom) / 2, { steps: 4 });
      try {
        return await this.poll(async () => {
          const texts = await hover.allInnerTexts();
          last = texts.join('\n');
          return last;
        }, ok, `a hover over "${word}"`, 4_000);
      } catch {
        this.log(`hover attempt ${attempt} saw: ${last.slice(0, 200)}`);
      }
    }
    throw new Error(`no hover over "${word}" showed the expected tokens; last hover text: "${last.slice(0, 400)}"`);
  }
}

/** Webview views (the side panel) are framed with `purpose=webviewView` in their URL. */
function isViewFrame(frame) {
  for (let f = frame; f; f = f.parentFrame()) {
    if (/[?&]purpose=webviewView/.test(f.url())) return true;
  }
  return false;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
