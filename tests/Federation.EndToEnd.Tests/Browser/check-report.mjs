// Opens report pages in a real headless Chromium (puppeteer-core, the system's browser) and prints, as JSON, what a
// test needs to judge them: console and script errors, every request the page tried (all are refused: the pages must
// need none), a screenshot's pixel statistics, the page's width on a 320-pixel screen, the text of every table, the
// axe-core violations, and a PDF from the print stylesheet.
// Usage: node check-report.mjs CHROMIUM OUT_DIR PAGE.html [PAGE.html ...]
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(process.cwd(), 'package.json'));
const puppeteer = require('puppeteer-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [chromium, outDir, ...pages] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
});

async function open(file, javaScript) {
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const seen = { consoleErrors: [], pageErrors: [], requests: [] };
  await page.setJavaScriptEnabled(javaScript);
  await page.setViewport({ width: 1100, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', request => {
    if (request.url() === url) {
      request.continue();
    } else {
      seen.requests.push(request.url());
      request.abort();
    }
  });
  page.on('console', message => { if (message.type() === 'error') seen.consoleErrors.push(message.text()); });
  page.on('pageerror', error => seen.pageErrors.push(String(error)));
  await page.goto(url, { waitUntil: 'load' });
  return { page, seen };
}

async function pixelStatistics(png) {
  const page = await browser.newPage();
  const statistics = await page.evaluate(async base64 => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + base64;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let nonWhite = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) nonWhite++;
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
    return { width: canvas.width, height: canvas.height, nonWhitePixels: nonWhite, distinctColours: colours.size };
  }, Buffer.from(png).toString('base64'));
  await page.close();
  return statistics;
}

const results = [];
for (const file of pages) {
  const name = basename(dirname(file));
  // Read with scripts off, as a reader without JavaScript would: rendering, screenshot, requests, print.
  const reading = await open(file, false);
  const screenshotPath = join(outDir, `report-${name}.png`);
  const png = await reading.page.screenshot({ fullPage: true });
  writeFileSync(screenshotPath, png);
  const screenshot = await pixelStatistics(png);
  // WCAG 1.4.10 reflow: at 320 CSS pixels wide the page does not scroll sideways (wide tables scroll inside their region).
  await reading.page.setViewport({ width: 320, height: 900 });
  const widthAt320 = await reading.page.evaluate(() => document.documentElement.scrollWidth);
  const pdfPath = join(outDir, `report-${name}.pdf`);
  await reading.page.emulateMediaType('print');
  const navigationPrinted = await reading.page.$eval('nav', nav => getComputedStyle(nav).display !== 'none');
  await reading.page.pdf({ path: pdfPath, format: 'Letter', printBackground: false });
  const tables = await reading.page.$$eval('table', all => all.map(table => ({
    id: table.id,
    rows: [...table.rows].map(row => [...row.cells].map(cell => cell.textContent.trim())),
  })));
  const treeSize = await reading.page.$eval('#tree-size', dd => dd.textContent.trim());
  const lang = await reading.page.$eval('html', html => html.lang);
  const scripts = await reading.page.$$eval('script', all => all.length);
  await reading.page.close();

  // axe-core needs scripts: a second load with them on, axe injected as inline code (no request).
  const checking = await open(file, true);
  await checking.page.addScriptTag({ content: axeSource });
  const axe = await checking.page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return { version: window.axe.version, violations: result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })) };
  });
  await checking.page.close();

  results.push({
    file, lang, scripts, treeSize, tables, screenshot, screenshotPath, pdfPath, navigationPrinted, widthAt320,
    consoleErrors: [...reading.seen.consoleErrors, ...checking.seen.consoleErrors],
    pageErrors: [...reading.seen.pageErrors, ...checking.seen.pageErrors],
    requests: [...reading.seen.requests, ...checking.seen.requests],
    axe,
  });
}

await browser.close();
process.stdout.write(JSON.stringify({ browser: chromium, pages: results }, null, 1));
