// motcua in a real browser: Debian's Chromium driven by playwright-core, axe-core run in the page.
//
// Called by crates/testkit/tests/browser.rs with a running motcua (users and procedures made by
// the test): node e2e/story.mjs BASE_URL ARTIFACT_DIR CONFIG_JSON
// Prints one JSON line {"ok":…,"steps":[…],"axe":{page:[violations]},"facts":{…}} and exits 0
// when every step passed and axe found no serious or critical violation; 1 otherwise.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [base, artifacts, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
mkdirSync(artifacts, { recursive: true });
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});

const steps = [];
const axe = {};
const facts = {};
let failed = false;

function note(name, ok, detail = '') {
  steps.push({ name, ok, detail });
  if (!ok) failed = true;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// axe-core in the page: WCAG 2.0/2.1/2.2 A and AA rules; serious and critical findings fail.
async function audit(page, name) {
  // Evaluated through the DevTools protocol: the page's own Content-Security-Policy stays on.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
    }));
  });
  axe[name] = result;
  const bad = result.filter(v => v.impact === 'serious' || v.impact === 'critical');
  note(`axe ${name}`, bad.length === 0, JSON.stringify(bad));
}

async function signIn(context, email) {
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', config.password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);
  return page;
}

async function act(page, code, action, fill = async () => {}) {
  await page.goto(`${base}/ho-so/${code}`);
  const form = page.locator(`form.action-form:has(input[name=action][value="${action}"])`);
  await fill(form);
  await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
  const text = await page.textContent('main');
  return text;
}

try {
  // --- The applicant finds the procedure, files online and gets a code. ---
  const applicantCtx = await browser.newContext({ locale: 'vi-VN' });
  const applicant = await signIn(applicantCtx, config.applicant);
  await applicant.goto(`${base}/`);
  await audit(applicant, 'home');
  await shot(applicant, '01-home');
  await applicant.goto(`${base}/thu-tuc`);
  await applicant.fill('#q', 'buu chinh');
  await Promise.all([applicant.waitForNavigation(), applicant.click('form[role=search] button[type=submit]')]);
  await audit(applicant, 'catalogue');
  await shot(applicant, '02-catalogue');
  const link = applicant.locator(`a[href="/thu-tuc/${config.procedure}"]`).first();
  note('search finds the procedure without diacritics', (await link.count()) > 0);
  await Promise.all([applicant.waitForNavigation(), link.click()]);
  await audit(applicant, 'procedure');
  await shot(applicant, '03-procedure');
  await Promise.all([applicant.waitForNavigation(), applicant.click(`a[href="/thu-tuc/${config.procedure}/nop"]`)]);
  await audit(applicant, 'filing');
  await applicant.check('input[name=kind][value=citizen]');
  await applicant.fill('#name', 'Trần Thị Bích Ngọc');
  await applicant.fill('#id_number', '001190012345');
  await applicant.fill('#phone', '0912345678');
  await applicant.fill('#email', 'ngoc.tran@example.vn');
  await applicant.fill('#address', '12 Hàng Bài, Hoàn Kiếm, Hà Nội');
  await applicant.setInputFiles('input[name=file_TP1]', {
    name: 'don-de-nghi.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  });
  const online = applicant.locator('input[name=return_channel][value=online]');
  if (await online.count()) await online.check();
  await shot(applicant, '04-filing');
  await Promise.all([applicant.waitForNavigation(), applicant.click('form.form-grid button[type=submit]')]);
  const check = await applicant.textContent('main');
  note('check-your-answers page', check.includes('Kiểm tra thông tin trước khi nộp'), check.slice(0, 400));
  await audit(applicant, 'filing-check');
  await Promise.all([applicant.waitForNavigation(), applicant.click('main form button[type=submit]')]);
  const confirmation = await applicant.textContent('main');
  const code = (applicant.url().match(/\/ho-so\/([^?]+)/) || [])[1];
  const lookup = await applicant.locator('code').nth(1).textContent().catch(() => null);
  note('filed, with a code', confirmation.includes('Đã nộp hồ sơ') && !!code, confirmation.slice(0, 400));
  facts.code = code;
  facts.lookup = lookup;
  await shot(applicant, '05-filed');

  // --- Anyone looks it up by code. ---
  const publicCtx = await browser.newContext({ locale: 'vi-VN' });
  const visitor = await publicCtx.newPage();
  await visitor.goto(`${base}/tra-cuu`);
  await visitor.fill('#ma', code);
  await visitor.fill('#tra_cuu', lookup || '');
  await Promise.all([visitor.waitForNavigation(), visitor.click('form[action="/tra-cuu"] button[type=submit]')]);
  const progress = await visitor.textContent('main');
  note('look-up shows progress without personal data',
    progress.includes(code) && !progress.includes('Trần Thị Bích Ngọc') && !progress.includes('001190012345'),
    progress.slice(0, 400));
  await audit(visitor, 'lookup');
  await shot(visitor, '06-lookup');

  // --- The desk receives and assigns; the leader approves; the officer resolves; the desk returns. ---
  const deskCtx = await browser.newContext({ locale: 'vi-VN' });
  const desk = await signIn(deskCtx, config.desk);
  await desk.goto(`${base}/ho-so`);
  note('the queue lists the dossier', (await desk.textContent('main')).includes(code));
  await audit(desk, 'work-queue');
  await shot(desk, '07-queue');
  await act(desk, code, 'receive');
  await act(desk, code, 'assign', async f => f.locator('select[name=unit]').selectOption(config.unit));
  await audit(desk, 'dossier');
  const leaderCtx = await browser.newContext({ locale: 'vi-VN' });
  const leader = await signIn(leaderCtx, config.leader);
  await act(leader, code, 'approve');
  const officerCtx = await browser.newContext({ locale: 'vi-VN' });
  const officer = await signIn(officerCtx, config.officer);
  await act(officer, code, 'resolve', async f => f.locator('input[type=file]').setInputFiles({
    name: 'ket-qua.pdf', mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  }));
  const returned = await act(desk, code, 'return_result');
  note('processed to the result', returned.includes('Đã trả kết quả'), returned.slice(0, 600));
  await shot(desk, '08-returned');

  // --- An editor publishes news and a video; a reader finds it on the home page and reads it. ---
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  const editorCtx = await browser.newContext({ locale: 'vi-VN' });
  const editor = await signIn(editorCtx, config.editor);
  await editor.goto(`${base}/bien-tap/bai-moi`);
  await audit(editor, 'editor-form');
  const title = 'Bộ ra mắt Cổng dịch vụ công mới';
  await editor.selectOption('#category', 'tin-tuc-su-kien');
  await editor.fill('#title', title);
  await editor.fill('#summary', 'Người dân nộp hồ sơ trực tuyến thuận tiện hơn.');
  await editor.fill('#body', '## Nội dung chính\n\nCổng mới hỗ trợ **nộp hồ sơ** và tra cứu.\n\n<script>alert(1)</script>');
  await editor.setInputFiles('input[name=cover_file]', { name: 'anh.png', mimeType: 'image/png', buffer: png });
  await editor.fill('#cover_alt', 'Lễ ra mắt Cổng dịch vụ công');
  await editor.check('input[name=publish][value=published]');
  await Promise.all([editor.waitForNavigation(), editor.click('main form button[type=submit]')]);
  note('the editor saved the article', (await editor.textContent('main')).includes(`Đã lưu bài “${title}”`));
  await editor.goto(`${base}/bien-tap/bai-moi`);
  await editor.selectOption('#category', 'tin-video');
  await editor.fill('#title', 'Video: tiếp nhận hồ sơ qua bưu chính');
  await editor.fill('#body', 'Phóng sự về dịch vụ bưu chính công ích.');
  await editor.setInputFiles('input[name=video_file]', { name: 'video.mp4', mimeType: 'video/mp4',
    buffer: Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42', 'latin1'), Buffer.alloc(2048)]) });
  await editor.setInputFiles('input[name=captions_file]', { name: 'phu-de.vtt', mimeType: 'text/vtt',
    buffer: Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nTiếp nhận hồ sơ qua bưu chính\n') });
  await editor.setInputFiles('input[name=poster_file]', { name: 'bia.png', mimeType: 'image/png', buffer: png });
  await editor.check('input[name=publish][value=published]');
  await Promise.all([editor.waitForNavigation(), editor.click('main form button[type=submit]')]);
  note('the editor saved the video', (await editor.textContent('main')).includes('Đã lưu bài'));

  const readerCtx = await browser.newContext({ locale: 'vi-VN', userAgent: config.userAgent });
  const home = await readerCtx.newPage();
  await home.goto(`${base}/`);
  const card = home.locator('.news-lead, .news-list .news-card', { hasText: title });
  note('the article is on the home page', (await card.count()) === 1);
  const viewsBefore = await card.locator('.views').textContent();
  await Promise.all([home.waitForNavigation(), card.locator('a').first().click()]);
  const articleText = await home.textContent('main');
  note('the article page shows its views and byline', articleText.includes('1 lượt xem') && articleText.includes(title), articleText.slice(0, 300));
  note('no script from the body runs', (await home.locator('main script').count()) === 0 && articleText.includes('<script>alert(1)</script>'));
  await audit(home, 'article');
  await shot(home, '12-article');
  await home.goto(`${base}/`);
  const viewsAfter = await home.locator('.news-lead, .news-list .news-card', { hasText: title }).locator('.views').textContent();
  note('the home page counts the view', viewsBefore.trim() === '0 lượt xem' && viewsAfter.trim() === '1 lượt xem', `${viewsBefore} -> ${viewsAfter}`);
  await audit(home, 'home-with-news');
  await shot(home, '13-home-with-news');
  await home.goto(`${base}/tin-tuc/chuyen-muc/tin-video`);
  await audit(home, 'news-list');
  await Promise.all([home.waitForNavigation(), home.locator('.news-card a').first().click()]);
  note('the video page has the player with captions', (await home.locator('video track[kind=captions]').count()) === 1);
  await audit(home, 'video');
  await shot(home, '14-video');
  facts.article = title;

  // --- The reform office's pages. ---
  await leader.goto(`${base}/thong-ke/ho-so`);
  await audit(leader, 'statistics');
  await visitor.goto(`${base}/thong-ke`);
  note('the public statistics count the dossier', (await visitor.textContent('main')).includes('Hồ sơ tiếp nhận'));
  await audit(visitor, 'public-statistics');
  await shot(visitor, '15-public-statistics');
  await leader.goto(`${base}/ke-hoach`);
  await audit(leader, 'scorecard');
  await shot(leader, '09-scorecard');

  // --- Reading aids: larger text and inverted colours, remembered, without JavaScript. ---
  const plainCtx = await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false });
  const reader = await plainCtx.newPage();
  await reader.goto(`${base}/thu-tuc`);
  const size = async () => reader.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const background = async () => reader.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = { size: await size(), bg: await background() };
  await Promise.all([reader.waitForNavigation(), reader.click('a[data-reading=larger]')]);
  await Promise.all([reader.waitForNavigation(), reader.click('a[data-reading=larger]')]);
  const larger = await size();
  note('larger text', larger > before.size, `${before.size} -> ${larger}`);
  await Promise.all([reader.waitForNavigation(), reader.click('a[data-reading=contrast]')]);
  const inverted = await background();
  note('inverted colours', inverted !== before.bg, `${before.bg} -> ${inverted}`);
  await reader.goto(`${base}/tra-cuu`);
  note('remembered on the next page', (await size()) === larger && (await background()) === inverted);
  await shot(reader, '10-reading-aids');
  await Promise.all([reader.waitForNavigation(), reader.click('a[data-reading=smaller]')]);
  note('smaller text', (await size()) < larger);
  facts.reading = { before, larger, inverted };

  // The same pages audited in the reader's colours and size (axe needs the page's script runner).
  const contrastCtx = await browser.newContext({ locale: 'vi-VN' });
  await contrastCtx.addCookies([{ name: 'doc', value: 's3c1', url: base }]);
  const contrasted = await contrastCtx.newPage();
  for (const [name, url] of [['home-contrast', '/'], ['catalogue-contrast', '/thu-tuc'], ['lookup-contrast', '/tra-cuu']]) {
    await contrasted.goto(`${base}${url}`);
    await audit(contrasted, name);
  }
  await shot(contrasted, '11-contrast-home');

  // The harness itself: axe must see a known violation on a page made to have one.
  const control = await contrastCtx.newPage();
  await control.setContent('<html><body><img src="x.png"><a href="#"></a></body></html>');
  await control.evaluate(axeSource);
  const found = await control.evaluate(async () => (await axe.run()).violations.map(v => v.id));
  note('axe finds the violations of a broken page', found.includes('image-alt') && found.includes('html-has-lang'), found.join(','));
} catch (e) {
  note('story', false, String(e && e.stack || e));
} finally {
  await browser.close();
}

console.log(JSON.stringify({ ok: !failed, steps, axe, facts }));
process.exit(failed ? 1 : 0);
