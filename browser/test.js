'use strict';
/*
 * make test-browser: Debian's Chromium, headless, against the running demo
 * (browser/run.sh starts and stops it).  One line per check, then
 * "browser: N passed, M failed"; the exit status is 1 when a check failed.
 *
 * Environment: BROWSER_BASE (http://127.0.0.1:18480), BROWSER_REDIS_PORT
 * (16480), BROWSER_IMAGES (docs/images), CHROMIUM (/usr/bin/chromium).
 */

const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const http = require('http');
const { chromium } = require('playwright-core');

const base = process.env.BROWSER_BASE || 'http://127.0.0.1:18480';
const redisPort = process.env.BROWSER_REDIS_PORT || '16480';
const images = process.env.BROWSER_IMAGES
    || path.join(__dirname, '..', 'docs', 'images');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const TRACKERS = ['_ga', '_fbp'];

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
    if (ok) {
        passed++;
        console.log(`ok     ${name}`);
    } else {
        failed++;
        console.log(`FAILED ${name}${detail ? ': ' + detail : ''}`);
    }
    return ok;
}

/* a check whose body may throw: the exception is the detail */
async function step(name, fn) {
    try {
        const r = await fn();
        if (r === true || r === undefined) {
            return check(name, true);
        }
        return check(name, false, typeof r === 'string' ? r : JSON.stringify(r));
    } catch (e) {
        return check(name, false, (e && e.message || String(e)).split('\n')[0]);
    }
}

function get(pathname, headers) {
    return new Promise((resolve, reject) => {
        http.get(base + pathname, { headers }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        }).on('error', reject);
    });
}

function redis(...args) {
    return execFileSync('redis-cli', ['-p', redisPort, ...args],
                        { encoding: 'utf8' }).trim();
}

/* XRANGE as a list of {streamId, field: value, ...} */
function records() {
    const out = JSON.parse(execFileSync('redis-cli',
        ['-p', redisPort, '--json', 'XRANGE', 'privacy:log', '-', '+'],
        { encoding: 'utf8' }));
    return out.map(([streamId, kv]) => {
        const rec = { streamId };
        for (let i = 0; i + 1 < kv.length; i += 2) {
            rec[kv[i]] = kv[i + 1];
        }
        return rec;
    });
}

/*
 * The browser's whole cookie jar for the page's context, HttpOnly cookies
 * included, through the DevTools protocol.
 */
async function jar(page) {
    const cdp = await page.context().newCDPSession(page);
    try {
        const { cookies } = await cdp.send('Network.getAllCookies');
        return cookies;
    } catch (e) {
        return page.context().cookies();
    } finally {
        await cdp.detach().catch(() => {});
    }
}

const names = (cookies) => cookies.map((c) => c.name).sort();
const trackersIn = (cookies) =>
    cookies.filter((c) => TRACKERS.includes(c.name)).map((c) => c.name);

/*
 * Every decision the browser made: each POST to the consent endpoint that
 * was answered 200 or 303, in order, with what Redis should say of it.
 */
const decisions = [];

function watchDecisions(context, label) {
    context.on('response', (r) => {
        const q = r.request();
        if (q.method() !== 'POST'
            || new URL(r.url()).pathname !== '/privacy/consent'
            || (r.status() !== 200 && r.status() !== 303)) {
            return;
        }
        const form = new URLSearchParams(q.postData() || '');
        const action = form.get('action');
        const granted = action === 'accept_all' ? 'analytics,marketing'
            : action === 'save' ? form.getAll('category').join(',') : '';
        const source = /application\/json/.test(q.headers().accept || '')
            ? 'script' : 'form';
        decisions.push({ label, action, source, granted });
    });
}

/* the first POST the page sends, wherever it goes, and its answer */
async function firstPost(page, click) {
    const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        click(),
    ]);
    return resp;
}

/*
 * Reject all through the banner's script: one fetch to the endpoint, the
 * banner removed, no reload.  When the script goes wrong its fallback
 * submits the form; that is waited for so that the next steps start from
 * a settled page.
 */
async function scriptReject(page, name) {
    await page.evaluate(() => { window.__noReload = 1; });
    return step(name, async () => {
        const resp = await firstPost(page, () =>
            page.getByRole('button', { name: 'Reject all' }).click());
        const where = new URL(resp.url()).pathname;
        if (where !== '/privacy/consent') {
            await page.waitForResponse((r) => r.request().method() === 'POST'
                && new URL(r.url()).pathname === '/privacy/consent',
                { timeout: 5000 }).catch(() => {});
            await page.waitForLoadState('load');
            return `banner.js posted to ${where} (${resp.status()}), then `
                + 'fell back to submitting the form (page reloaded)';
        }
        if (resp.status() !== 200) return `POST answered ${resp.status()}`;
        await page.locator('#privacy-banner').waitFor({ state: 'detached',
                                                        timeout: 5000 });
        if (!await page.evaluate(() => window.__noReload === 1)) {
            return 'the page was reloaded';
        }
        /* what the browser now holds, asked with its own cookies */
        const json = await page.evaluate(() => fetch('/privacy/consent', {
            headers: { Accept: 'application/json' },
        }).then((r) => r.json()));
        if (!json.decision) return 'GET /privacy/consent: no decision';
        held.push({ id: json.decision.id, action: 'reject_all',
                    source: 'script' });
        return true;
    });
}

/* the decisions the browser said it holds after the script decided */
const held = [];

async function bannerShown(page) {
    return page.locator('#privacy-banner').isVisible();
}

async function main() {
    fs.mkdirSync(images, { recursive: true });

    const launch = {
        executablePath,
        headless: true,
        /* playwright gives each launch a fresh temporary --user-data-dir */
        args: ['--headless', '--no-sandbox', '--disable-gpu',
               '--disable-quic', '--no-first-run',
               '--disable-background-networking',
               '--disable-component-update', '--disable-sync'],
    };
    const browser = await chromium.launch(launch);

    const xlenBefore = Number(redis('XLEN', 'privacy:log'));

    try {
        await desktop(browser);
        await noScript(browser);
        await narrow(browser);
        await zoomed(browser);
        await strictCsp(browser);
        await german(browser);
        await consentMode(browser);
        await notObscured(browser, 640, 400);
        await notObscured(browser, 320, 256);
        await languages(browser);
    } finally {
        await browser.close();
    }

    await proof(xlenBefore);

    /* after the proof, whose records are those of the journeys above */
    const second = await chromium.launch(launch);
    try {
        await thirdParty(second);
    } finally {
        await second.close();
    }

    const log = process.env.BROWSER_NGINX_LOG;
    if (log) {
        await step('nginx logged no alert, crit or crashed worker', async () => {
            const bad = fs.readFileSync(log, 'utf8').split('\n').filter(
                (l) => /\[(alert|crit|emerg)\]|exited on signal/.test(l));
            return bad.length === 0 || bad.slice(0, 3).join(' | ');
        });
    }
}


/*
 * /shop.html: an analytics script, a pixel and a frame from the third
 * party on BROWSER_TP_PORT, whose access log counts every hit it gets
 */

function tpHits() {
    const log = process.env.BROWSER_TP_LOG;
    try {
        return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch (e) {
        return [];
    }
}

function tpRequests(page) {
    const port = ':' + (process.env.BROWSER_TP_PORT || '18482') + '/';
    const seen = [];
    page.on('request', (r) => {
        if (r.url().includes(port)) seen.push(r.url());
    });
    return seen;
}

async function settle(page) {
    await page.waitForLoadState('load');
    await page.waitForTimeout(500);
}

async function thirdParty(browser) {
    let context = await browser.newContext({
        viewport: { width: 1280, height: 800 } });
    let page = await context.newPage();
    let seen = tpRequests(page);
    let before = tpHits().length;

    await page.goto(base + '/shop.html');
    await settle(page);
    await step('third party: before a decision no request reaches it',
        async () => seen.length === 0 && tpHits().length === before
            || `requests: ${seen.join(' ')}`);

    await step('third party: the held frame has a placeholder naming the '
               + 'host and the category', async () => {
        const text = await page.locator('.privacy-placeholder').innerText();
        return /127\.0\.0\.1/.test(text) && /marketing/.test(text)
            || text;
    });
    await page.locator('.privacy-placeholder').screenshot(
        { path: path.join(images, 'placeholder.png') });
    check('screenshot docs/images/placeholder.png', true);

    await step('third party: after Accept all, without a reload, the script '
               + 'runs and the pixel and the frame load', async () => {
        await page.getByRole('button', { name: 'Accept all' }).click();
        await page.waitForFunction(() => window.demoAnalytics === 1,
                                   null, { timeout: 5000 });
        await page.waitForFunction(() => {
            const img = document.getElementById('pixel');
            return img.complete && img.naturalWidth === 1;
        }, null, { timeout: 5000 });
        await page.waitForTimeout(300);
        const got = tpHits().slice(before).join('\n');
        return /analytics\.js/.test(got) && /pixel\.gif/.test(got)
            && /frame\.html/.test(got) || got;
    });
    await context.close();

    context = await browser.newContext({
        viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    seen = tpRequests(page);
    before = tpHits().length;
    await page.goto(base + '/shop.html');
    await settle(page);
    await page.getByRole('button', { name: 'Reject all' }).click();
    await page.waitForTimeout(800);
    await step('third party: after Reject all no request reaches it',
        async () => seen.length === 0 && tpHits().length === before
            && (await page.evaluate(() => window.demoAnalytics)) === undefined
            || `requests: ${seen.join(' ')}`);
    await page.reload();
    await settle(page);
    await step('third party: nor after a reload', async () =>
        seen.length === 0 && tpHits().length === before
            || `requests: ${seen.join(' ')}`);
    await context.close();

    /*
     * A visitor who decided (analytics saved, marketing refused) gets no
     * banner: the module links the banner's script itself, so the held
     * frame still has its placeholder, whose Allow adds marketing to
     * what the visitor granted
     */
    context = await browser.newContext({
        viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(base + '/shop.html');
    await settle(page);
    await page.getByRole('checkbox', { name: 'Analytics' }).check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForFunction(() => window.demoAnalytics === 1,
                               null, { timeout: 5000 });
    seen = tpRequests(page);
    before = tpHits().length;
    await page.reload();
    await settle(page);
    await step('third party, decided: no banner, the held frame still has '
               + 'its placeholder', async () => {
        const banners = await page.locator('#privacy-banner').count();
        const text = await page.locator('.privacy-placeholder').innerText();
        return banners === 0 && /marketing/.test(text)
            && !/frame\.html/.test(tpHits().slice(before).join('\n'))
            || `${banners} banners, placeholder: ${text}`;
    });
    await step('third party, decided: Allow marketing there loads the frame '
               + 'without a reload and keeps analytics granted', async () => {
        await page.getByRole('button', { name: 'Allow marketing' }).click();
        await page.waitForFunction(() =>
            !document.querySelector('.privacy-placeholder'),
            null, { timeout: 5000 });
        await page.waitForTimeout(300);
        const got = tpHits().slice(before).join('\n');
        const answer = await page.evaluate(async () => {
            const r = await fetch('/privacy/consent',
                { headers: { Accept: 'application/json' } });
            return r.json();
        });
        const granted = (answer.decision && answer.decision.granted) || [];
        return /frame\.html/.test(got) && /pixel\.gif/.test(got)
            && granted.join(',') === 'analytics,marketing'
            || `hits: ${got}; granted: ${JSON.stringify(granted)}`;
    });
    await context.close();

    context = await browser.newContext({
        viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    page = await context.newPage();
    seen = tpRequests(page);
    before = tpHits().length;
    await page.goto(base + '/shop.html');
    await settle(page);
    await step('third party, no JS: nothing before a decision', async () =>
        seen.length === 0 || `requests: ${seen.join(' ')}`);
    await step('third party, no JS: Accept all, the 303 brings the page '
               + 'back with the pixel and the frame live', async () => {
        await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Accept all' }).click(),
        ]);
        await settle(page);
        const got = tpHits().slice(before).join('\n');
        return page.url() === base + '/shop.html'
            && /pixel\.gif/.test(got) && /frame\.html/.test(got)
            || `${page.url()} ${got}`;
    });
    await context.close();
}


/* 1280x800 with JavaScript: the whole journey of one visitor */

async function desktop(browser) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
    });
    watchDecisions(context, 'desktop');
    const page = await context.newPage();

    /* a tracker set before the module was there, HttpOnly: must leave */
    await context.addCookies([{ name: '_ga', value: 'GA1.1.old.tracker',
                                url: base, httpOnly: true }]);

    const first = await page.goto(base + '/');

    await step('GET / answers 200 with Tk: N and Vary: Cookie', async () => {
        const h = first.headers();
        return first.status() === 200 && h.tk === 'N'
            && /cookie/i.test(h.vary || '')
            || `status ${first.status()}, Tk ${h.tk}, Vary ${h.vary}`;
    });

    await step('the banner is visible', async () => bannerShown(page));

    await step('the banner is styled by its stylesheet (position: fixed)',
        async () => {
            const pos = await page.$eval('.privacy-banner',
                (el) => getComputedStyle(el).position);
            return pos === 'fixed' || `position is ${pos}`;
        });

    await page.screenshot({ path: path.join(images, 'banner-desktop.png') });
    check('screenshot docs/images/banner-desktop.png (1280x800)', true);

    await step('role=dialog with aria-labelledby/aria-describedby resolving',
        async () => page.$eval('#privacy-banner', (el) => {
            const role = el.getAttribute('role');
            const lb = document.getElementById(
                el.getAttribute('aria-labelledby') || '');
            const db = document.getElementById(
                el.getAttribute('aria-describedby') || '');
            if (role !== 'dialog') return `role is ${role}`;
            if (!lb || !lb.textContent.trim()) return 'no label element';
            if (!db || !db.textContent.trim()) return 'no description element';
            if (!el.contains(lb) || !el.contains(db)) return 'outside banner';
            return true;
        }));

    await step('the accessibility tree names the dialog', async () => {
        const d = page.getByRole('dialog', { name: 'Your privacy choices' });
        return (await d.count()) === 1 || 'no dialog of that name';
    });

    await step('Tab from the top of the page reaches the banner\'s first control',
        async () => {
            await page.locator('body').focus();
            await page.evaluate(() => document.activeElement
                                       && document.activeElement.blur());
            await page.keyboard.press('Tab');
            return page.evaluate(() => {
                const banner = document.getElementById('privacy-banner');
                const first = banner.querySelector(
                    'a[href], button, input:not([type=hidden]), select, '
                    + 'textarea, [tabindex]:not([tabindex="-1"])');
                const a = document.activeElement;
                return a === first
                    || `focus is on ${a && a.outerHTML.slice(0, 80)}`;
            });
        });

    await step('Tab reaches every banner button', async () => {
        const seen = new Set();
        for (let i = 0; i < 12; i++) {
            const v = await page.evaluate(() => {
                const a = document.activeElement;
                return a && a.tagName === 'BUTTON'
                    && a.closest('#privacy-banner') ? a.value : null;
            });
            if (v) seen.add(v);
            await page.keyboard.press('Tab');
        }
        const want = ['accept_all', 'reject_all', 'save'];
        return want.every((v) => seen.has(v)) || `reached ${[...seen]}`;
    });

    let cookies = await jar(page);
    await step('the _ga set before (HttpOnly) was expired by GET /', async () =>
        trackersIn(cookies).length === 0 || `jar: ${names(cookies)}`);

    const app = await page.goto(base + '/app/');
    cookies = await jar(page);

    await step('after /app/: no _ga or _fbp in the cookie jar', async () =>
        trackersIn(cookies).length === 0 || `jar: ${names(cookies)}`);

    await step('after /app/: demo_session (essential, HttpOnly) is in the jar',
        async () => cookies.some((c) => c.name === 'demo_session'
                                        && c.httpOnly)
            || `jar: ${names(cookies)}`);

    await step('/app/ received no tracker and shows the banner', async () => {
        const got = await page.textContent('#received');
        return !/_ga|_fbp/.test(got) && await bannerShown(page)
            && app.headers().tk === 'N'
            || `received "${got.trim()}", Tk ${app.headers().tk}`;
    });

    /* Reject all, with the banner's script: no reload */
    await page.goto(base + '/');
    await scriptReject(page, 'Reject all (script) removes the banner '
                             + 'without a reload');

    cookies = await jar(page);
    await step('the consent cookie is set, HttpOnly, SameSite=Lax', async () => {
        const c = cookies.find((x) => x.name === 'privacy_consent');
        return c && c.httpOnly && c.sameSite === 'Lax'
            || `consent cookie ${JSON.stringify(c)}`;
    });

    await step('after a reload the banner stays hidden', async () => {
        const r = await page.reload();
        if ((await page.locator('#privacy-banner').count()) === 0) {
            return true;
        }
        const sent = await r.request().allHeaders();
        const cond = ['if-none-match', 'if-modified-since']
            .filter((h) => sent[h]).map((h) => `${h}: ${sent[h]}`);
        return `banner shown again (answer ${r.status()}`
            + (cond.length ? `, request had ${cond.join(', ')}: the cached `
                             + 'banner copy was revalidated' : '') + ')';
    });

    const app2 = await page.goto(base + '/app/');
    cookies = await jar(page);
    await step('after Reject all, /app/: no tracker in the jar, no banner, Tk: N',
        async () => trackersIn(cookies).length === 0
            && (await page.locator('#privacy-banner').count()) === 0
            && app2.headers().tk === 'N'
            || `jar: ${names(cookies)}, Tk ${app2.headers().tk}`);

    /* the settings page: grant analytics */
    const settings = await page.goto(base + '/privacy/consent');

    await step('the settings page is HTML, no-store, shows the refusal',
        async () => {
            const h = settings.headers();
            const text = await page.textContent('main');
            return /text\/html/.test(h['content-type'])
                && /no-store/.test(h['cache-control'] || '')
                && /Refused\s*Analytics, Marketing/.test(text)
                || `${h['content-type']}, ${h['cache-control']}: `
                   + text.slice(0, 120);
        });

    await step('settings: tick analytics, Save: 303 back to the settings '
               + 'page, which says so and links back to the site',
        async () => {
            await page.getByRole('checkbox', { name: 'analytics' }).check();
            const [resp] = await Promise.all([
                page.waitForResponse((r) => r.request().method() === 'POST'),
                page.getByRole('button', { name: 'Save my choices' }).click(),
            ]);
            await page.waitForLoadState();
            const loc = resp.headers().location;
            if (resp.status() !== 303) return `POST answered ${resp.status()}`;
            if (loc !== '/privacy/consent?saved=1') return `Location ${loc}`;
            const text = await page.textContent('main');
            if (!/Allowed\s*Analytics/.test(text)) {
                return `page says ${text.slice(0, 160)}`;
            }
            const status = await page.getByRole('status').textContent();
            if (!/Your choice is saved/.test(status)) {
                return `status says ${status}`;
            }
            const back = await page.getByRole('link',
                                              { name: 'Back to the site' })
                                   .getAttribute('href');
            if (back !== '/') return `the link back goes to ${back}`;
            const checked = await page.getByRole('checkbox',
                                                 { name: 'analytics' })
                                      .isChecked();
            if (!checked) return 'analytics not ticked on the page after';
            return true;
        });

    const app3 = await page.goto(base + '/app/');
    cookies = await jar(page);
    await step('after granting analytics, /app/ sets _ga (not _fbp), Tk: C',
        async () => {
            const t = trackersIn(cookies);
            return t.length === 1 && t[0] === '_ga'
                && app3.headers().tk === 'C'
                || `trackers ${t}, Tk ${app3.headers().tk}`;
        });

    await step('the application now receives _ga, never _fbp', async () => {
        await page.reload();
        const got = await page.textContent('#received');
        return /_ga=/.test(got) && !/_fbp/.test(got) || `received "${got.trim()}"`;
    });

    /* withdraw */
    await page.goto(base + '/privacy/consent');
    await step('settings: Withdraw my consent expires _ga', async () => {
        const [resp] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Withdraw my consent' }).click(),
        ]);
        await page.waitForLoadState();
        const expiring = ((await resp.headerValue('set-cookie')) || '')
            .split('\n').some((l) => /^_ga=;.*Max-Age=0/.test(l));
        cookies = await jar(page);
        if (resp.status() !== 303) return `POST answered ${resp.status()}`;
        if (!expiring) return 'no Set-Cookie expiring _ga';
        return trackersIn(cookies).length === 0 || `jar: ${names(cookies)}`;
    });

    const app4 = await page.goto(base + '/app/');
    cookies = await jar(page);
    await step('after withdrawal, /app/: no tracker, no banner, Tk: N',
        async () => trackersIn(cookies).length === 0
            && (await page.locator('#privacy-banner').count()) === 0
            && app4.headers().tk === 'N'
            || `jar: ${names(cookies)}, Tk ${app4.headers().tk}`);

    await context.close();
}


/* no JavaScript: the banner is a plain form, 303 back to the page */

async function noScript(browser) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        javaScriptEnabled: false,
    });
    watchDecisions(context, 'nojs');
    const page = await context.newPage();

    await page.goto(base + '/app/');
    await step('no JS: the banner is visible', async () => bannerShown(page));

    await step('no JS: Reject all posts the form, 303 back to /app/', async () => {
        const [resp] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Reject all' }).click(),
        ]);
        await page.waitForLoadState();
        if (resp.status() !== 303) return `POST answered ${resp.status()}`;
        if (resp.headers().location !== '/app/') {
            return `Location ${resp.headers().location}`;
        }
        return page.url() === base + '/app/' || `landed on ${page.url()}`;
    });

    await step('no JS: after the redirect the banner is gone', async () =>
        (await page.locator('#privacy-banner').count()) === 0);

    await page.reload();
    const cookies = await jar(page);
    await step('no JS: after a reload no banner, no tracker, demo_session kept',
        async () => (await page.locator('#privacy-banner').count()) === 0
            && trackersIn(cookies).length === 0
            && cookies.some((c) => c.name === 'demo_session')
            || `jar: ${names(cookies)}`);

    await context.close();
}


/* 320 CSS px wide: no horizontal scrolling, every control on screen */

async function narrow(browser) {
    const context = await browser.newContext({
        viewport: { width: 320, height: 640 },
    });
    const page = await context.newPage();
    await page.goto(base + '/');

    await page.screenshot({ path: path.join(images, 'banner-320.png') });
    check('screenshot docs/images/banner-320.png (320x640)', true);

    await step('320 px: no horizontal overflow (scrollWidth <= 320)', async () => {
        const w = await page.evaluate(
            () => document.documentElement.scrollWidth);
        return w <= 320 || `scrollWidth ${w}`;
    });

    await step('320 px: every banner control fits the width and can be clicked',
        async () => reachable(page, 320));

    await context.close();
}


/*
 * 200% zoom of a 1280x800 window: what the page lays out in is 640x400
 * CSS px at two device pixels each, which is what browser zoom does.
 */

async function zoomed(browser) {
    const context = await browser.newContext({
        viewport: { width: 640, height: 400 },
        deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    await page.goto(base + '/');

    await step('200% zoom: no horizontal overflow', async () => {
        const w = await page.evaluate(
            () => document.documentElement.scrollWidth);
        return w <= 640 || `scrollWidth ${w}`;
    });

    /* in the page's flow at this height: notObscured() checks it */

    await step('200% zoom: every banner control can be scrolled to and clicked',
        async () => reachable(page, 640));

    await step('200% zoom: Tab reaches every banner button', async () => {
        await page.evaluate(() => document.activeElement
                                   && document.activeElement.blur());
        const seen = new Set();
        for (let i = 0; i < 12; i++) {
            await page.keyboard.press('Tab');
            const v = await page.evaluate(() => {
                const a = document.activeElement;
                if (!a || a.tagName !== 'BUTTON') return null;
                const r = a.getBoundingClientRect();
                /* focus scrolled it into view */
                return r.top >= 0 && r.bottom <= innerHeight ? a.value
                                                             : 'off:' + a.value;
            });
            if (v) seen.add(v);
        }
        const want = ['accept_all', 'reject_all', 'save'];
        return want.every((v) => seen.has(v)) || `reached ${[...seen]}`;
    });

    await page.screenshot({ path: path.join(__dirname, '..', 'build',
                                            'banner-zoom200.png') });
    await context.close();
}


/* each link, box and button of the banner, scrolled into view, is on top */

async function reachable(page, width) {
    return page.$eval('#privacy-banner', (banner, width) => {
        const bad = [];
        const controls = banner.querySelectorAll(
            'a[href], button, input:not([type=hidden])');
        for (const el of controls) {
            if (el.closest('[hidden]')) {
                /* the note shown after a decision, not yet */
                continue;
            }
            el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2;
            const y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            const name = el.value || el.textContent.trim().slice(0, 20);
            if (r.left < 0 || r.right > width + 0.5) {
                bad.push(`${name} at x ${r.left}..${r.right}`);
            } else if (r.top < 0 || r.bottom > innerHeight + 0.5) {
                bad.push(`${name} at y ${r.top}..${r.bottom}`);
            } else if (!hit || !(hit === el || el.contains(hit)
                                 || hit.control === el
                                 || (hit.tagName === 'LABEL'
                                     && hit.contains(el)))) {
                bad.push(`${name} covered by ${hit && hit.tagName}`);
            }
        }
        return controls.length >= 5 && bad.length === 0
            || `${controls.length} controls; ${bad.join('; ')}`;
    }, width);
}


/* the demo's /strict/ pages carry Content-Security-Policy: default-src 'self' */

async function strictCsp(browser) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
    });
    watchDecisions(context, 'csp');
    const page = await context.newPage();
    const console_ = [];

    page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));

    /* the init script is the DevTools', which a page's CSP does not cover */
    await context.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
            window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
        });
    });

    const resp = await page.goto(base + '/strict/');
    await page.waitForLoadState('load');

    await step('CSP: /strict/ is served with default-src \'self\'', async () =>
        /default-src 'self'/.test(resp.headers()['content-security-policy']
                                  || '')
        || `header ${resp.headers()['content-security-policy']}`);

    await step('CSP: no violation reported, no console error', async () => {
        await page.waitForTimeout(200);
        const v = await page.evaluate(() => window.__violations);
        const errors = console_.filter((l) => /^error|pageerror|Refused/.test(l));
        return v.length === 0 && errors.length === 0
            || `violations ${JSON.stringify(v)}; console ${errors.join(' | ')}`;
    });

    await step('CSP: the banner is styled (position: fixed)', async () => {
        const pos = await page.$eval('.privacy-banner',
            (el) => getComputedStyle(el).position);
        return pos === 'fixed' || `position is ${pos}`;
    });

    await step('CSP: the detector works (an inline script is reported)',
        async () => {
            await page.evaluate(() => {
                const s = document.createElement('script');
                s.textContent = 'window.__inline = 1;';
                document.body.appendChild(s);
            });
            await page.waitForTimeout(200);
            const v = await page.evaluate(() => window.__violations);
            const ran = await page.evaluate(() => window.__inline === 1);
            return v.length > 0 && !ran || `violations ${JSON.stringify(v)}`;
        });

    await scriptReject(page, 'CSP: banner.js runs: Reject all removes the '
                             + 'banner, no reload');

    await context.close();
}


/* Accept-Language: de picks the German banner */

async function german(browser) {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto(base + '/');

    await step('Accept-Language: de gets the German banner', async () => {
        const title = await page.textContent('#privacy-banner-title');
        const lang = await page.getAttribute('#privacy-banner', 'lang');
        return title === 'Ihre Datenschutz-Einstellungen' && lang === 'de'
            || `title "${title}", lang ${lang}`;
    });

    await context.close();
}


/*
 * Google Consent Mode on the demo (privacy_consent_mode): consent-mode.js
 * first in the head, then the demo's stand-in gtag, which records every
 * command it reads from dataLayer.  dataLayer is read before and after
 * Accept all, Reject all and a saved choice, and on the next page, where
 * the default is the saved state.
 */

const CM_TYPES = ['analytics_storage', 'ad_storage', 'ad_user_data',
                  'ad_personalization', 'security_storage'];

/* the state of each type given what is granted of analytics, marketing */
function cmState(analytics, marketing) {
    const g = (b) => (b ? 'granted' : 'denied');
    return { analytics_storage: g(analytics), ad_storage: g(marketing),
             ad_user_data: g(marketing), ad_personalization: g(marketing),
             security_storage: 'granted' };
}

/* the consent commands in dataLayer, as [command, state] */
async function cmCommands(page) {
    return page.evaluate(() => (window.dataLayer || [])
        .map((c) => Array.prototype.slice.call(c))
        .filter((c) => c[0] === 'consent')
        .map((c) => [c[1], c[2]]));
}

function sameState(got, want) {
    return CM_TYPES.every((t) => got && got[t] === want[t])
        && Object.keys(got || {}).length === CM_TYPES.length;
}

async function consentJourney(browser, label, decide, want) {
    const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
    });
    watchDecisions(context, 'consent-mode');
    const page = await context.newPage();
    await page.goto(base + '/');

    await step(`consent mode (${label}): consent-mode.js is the head's `
               + 'first element, before the stand-in gtag', async () =>
        page.evaluate(() => {
            const first = document.head.firstElementChild;
            const scripts = [...document.scripts].map((s) => s.src);
            return first && first.tagName === 'SCRIPT'
                && /\/privacy\/consent\/consent-mode\.[0-9a-f]{12}\.js$/
                    .test(first.src)
                && scripts.indexOf(first.src) === 0
                && /gtag-standin\.js$/.test(scripts[1])
                || `head starts ${first && first.outerHTML.slice(0, 120)}`;
        }));

    await step(`consent mode (${label}): before a decision, one default `
               + 'with every type denied (the essential one granted)',
        async () => {
            const c = await cmCommands(page);
            return c.length === 1 && c[0][0] === 'default'
                && sameState(c[0][1], cmState(false, false))
                || JSON.stringify(c);
        });

    await step(`consent mode (${label}): the stand-in gtag read it`,
        async () => {
            const calls = await page.evaluate(() => window.gtagStandinCalls);
            return calls && calls.length === 1 && calls[0][1] === 'default'
                || JSON.stringify(calls);
        });

    await page.evaluate(() => { window.__noReload = 1; });
    await decide(page);
    await page.locator('#privacy-banner').waitFor({ state: 'detached',
                                                    timeout: 5000 });

    await step(`consent mode (${label}): after it, an update with the `
               + 'choice, without a reload', async () => {
        const c = await cmCommands(page);
        const reloaded = !await page.evaluate(() => window.__noReload === 1);
        return !reloaded && c.length === 2 && c[1][0] === 'update'
            && sameState(c[1][1], want)
            || `${reloaded ? 'reloaded; ' : ''}${JSON.stringify(c)}`;
    });

    await step(`consent mode (${label}): focus on the role=status note, `
               + 'which says the choice is saved', async () =>
        page.evaluate(() => {
            const a = document.activeElement;
            return a && a.getAttribute('role') === 'status'
                && /Your choice is saved/.test(a.textContent)
                || `focus on ${a && a.outerHTML.slice(0, 100)}`;
        }));

    if (label === 'accept all') {
        await axe(page, 'after a decision, the note that replaced the banner');
    }

    await page.goto(base + '/');

    await step(`consent mode (${label}): the next page's default is the `
               + 'saved choice, and nothing else', async () => {
        const c = await cmCommands(page);
        return c.length === 1 && c[0][0] === 'default'
            && sameState(c[0][1], want)
            || JSON.stringify(c);
    });

    await context.close();
}

async function consentMode(browser) {
    await consentJourney(browser, 'accept all', (page) =>
        page.getByRole('button', { name: 'Accept all' }).click(),
        cmState(true, true));

    await consentJourney(browser, 'reject all', (page) =>
        page.getByRole('button', { name: 'Reject all' }).click(),
        cmState(false, false));

    await consentJourney(browser, 'analytics saved', async (page) => {
        await page.getByRole('checkbox', { name: 'Analytics' }).check();
        await page.getByRole('button', { name: 'Save my choices' }).click();
    }, cmState(true, false));
}


/*
 * Small and zoomed viewports (640x400 is 200% zoom of 1280x800): the
 * banner is in the page's flow there, so a keyboard user who tabs past it
 * to the page's links, the privacy notice among them, sees them (WCAG 2.2
 * 2.4.11): the focused link is not covered, and the banner covers at most
 * the half of the viewport above the link in its middle.
 */

async function notObscured(browser, width, height) {
    const context = await browser.newContext({
        viewport: { width, height },
        locale: 'en-US',
    });
    const page = await context.newPage();
    await page.goto(base + '/');
    const tag = `${width}x${height}`;

    await step(`${tag}: the banner is not fixed over the page`, async () => {
        const pos = await page.$eval('#privacy-banner',
            (el) => getComputedStyle(el).position);
        return pos !== 'fixed' || `position is ${pos}`;
    });

    await step(`${tag}: Tab reaches the page's privacy notice link, `
               + 'not covered, the banner over at most half the viewport',
        async () => {
            await page.evaluate(() => document.activeElement
                                       && document.activeElement.blur());
            for (let i = 0; i < 40; i++) {
                await page.keyboard.press('Tab');
                const on = await page.evaluate(() => {
                    const a = document.activeElement;
                    return a && a.tagName === 'A'
                        && !a.closest('#privacy-banner')
                        && a.getAttribute('href') === '/privacy.html';
                });
                if (on) break;
            }
            const r = await page.evaluate(() => {
                const a = document.activeElement;
                if (!a || a.getAttribute('href') !== '/privacy.html'
                    || a.closest('#privacy-banner')) {
                    return { error: 'Tab never reached the notice link' };
                }
                a.scrollIntoView({ block: 'center' });
                const b = a.getBoundingClientRect();
                const hit = document.elementFromPoint(b.left + b.width / 2,
                                                      b.top + b.height / 2);
                const banner = document.getElementById('privacy-banner')
                    .getBoundingClientRect();
                const h = Math.max(0, Math.min(banner.bottom, innerHeight)
                                      - Math.max(banner.top, 0));
                const w = Math.max(0, Math.min(banner.right, innerWidth)
                                      - Math.max(banner.left, 0));
                return { covered: (h * w) / (innerWidth * innerHeight),
                         onTop: hit === a || a.contains(hit) };
            });
            if (r.error) return r.error;
            console.log(`       ${tag}: the banner covers `
                        + `${(r.covered * 100).toFixed(0)}% of the viewport `
                        + 'with the notice link focused');
            return r.onTop && r.covered <= 0.5 || JSON.stringify(r);
        });

    await axe(page, tag);

    await context.close();
}


/*
 * axe-core (npm, browser/package.json) on the page as it is: no violation
 * of WCAG 2.0, 2.1 or 2.2 A or AA
 */

const AXE = path.join(__dirname, 'node_modules', 'axe-core', 'axe.min.js');

async function axe(page, name) {
    return step(`${name}: no WCAG 2.x A or AA violation`, async () => {
        await page.addScriptTag({ path: AXE });
        const v = await page.evaluate(async () => {
            const r = await window.axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa',
                    'wcag21a', 'wcag21aa', 'wcag22aa'] },
            });
            return r.violations.map((x) => `${x.id} (${x.nodes.length}): `
                + x.nodes[0].target.join(' '));
        });
        return v.length === 0 || v.join('; ');
    });
}


/* the banner in each builtin language, for docs/images */

async function languages(browser) {
    for (const [lang, locale, title] of [
        ['en', 'en-US', 'Your privacy choices'],
        ['de', 'de-DE', 'Ihre Datenschutz-Einstellungen'],
        ['fr', 'fr-FR', null]]) {
        const context = await browser.newContext({
            viewport: { width: 1280, height: 800 }, locale,
        });
        const page = await context.newPage();
        await page.goto(base + '/');
        await step(`${lang}: the banner in its language`, async () => {
            const l = await page.getAttribute('#privacy-banner', 'lang');
            const t = await page.textContent('#privacy-banner-title');
            return l === lang && (!title || t === title) || `${l}: ${t}`;
        });
        await axe(page, `${lang}: axe-core`);
        await page.locator('#privacy-banner details').nth(1)
            .evaluate((d) => { d.open = true; });
        await axe(page, `${lang}: axe-core, the analytics details open (its cookie patterns)`);
        const file = `banner-${lang}.png`;
        await page.locator('#privacy-banner').screenshot(
            { path: path.join(images, file) });
        check(`screenshot docs/images/${file}`, true);
        await context.close();
    }
}


/* Redis holds one record per decision, linked by replaces */

async function proof(xlenBefore) {
    const xlen = Number(redis('XLEN', 'privacy:log'));
    const n = decisions.length;

    await step(`Redis: XLEN privacy:log grew by ${n}, the decisions the `
               + 'browser made', async () =>
        n >= 4 && xlen - xlenBefore === n
        || `grew by ${xlen - xlenBefore} for ${n} decisions`);

    const recs = records().slice(-n);
    const want = decisions.map((d) => `${d.action}/${d.source}/${d.granted}`);

    await step('Redis: the records say what was decided, and how', async () => {
        const got = recs.map((r) => `${r.action}/${r.source}/${r.granted}`);
        return JSON.stringify(got) === JSON.stringify(want)
            || `got ${got.join(' ')}; want ${want.join(' ')}`;
    });

    await step('Redis: each record has its fields, an anonymized address',
        async () => {
            const fields = ['id', 'action', 'granted', 'refused', 'policy',
                            'time_ms', 'banner_sha256', 'source', 'host',
                            'addr', 'ua', 'replaces'];
            for (const r of recs) {
                const missing = fields.filter((f) => !(f in r));
                if (missing.length) return `missing ${missing}`;
                if (r.addr !== '127.0.0.0') return `addr ${r.addr}`;
                if (r.policy !== '2018-04') return `policy ${r.policy}`;
                if (!/^[0-9a-f]{64}$/.test(r.banner_sha256)) {
                    return `banner_sha256 ${r.banner_sha256}`;
                }
            }
            return true;
        });

    await step('Redis: the decision the browser holds after the script is '
               + 'the one recorded', async () => {
        if (held.length === 0) return 'the script made no decision';
        for (const h of held) {
            const r = recs.find((x) => x.id === h.id);
            if (!r) return `no record ${h.id}`;
            if (r.action !== h.action || r.source !== h.source) {
                return `${h.id}: ${r.action}/${r.source}`;
            }
        }
        return true;
    });

    /*
     * banner_sha256 is the proof of what was shown: the bytes of the banner
     * the module inserts into /app/ (the no-JS decision was made there), as
     * fetched again here with the browser's Accept-Language
     */
    await step('Redis: banner_sha256 of the no-JS decision is the banner '
               + '/app/ served', async () => {
        const i = decisions.findIndex((d) => d.label === 'nojs');
        if (i < 0) return 'no no-JS decision';
        const html = await get('/app/', { 'Accept-Language': 'en-US,en' });
        const m = html.match(/<div id="privacy-banner"[\s\S]*?<\/form>(?:<p class="privacy-banner__saved" hidden>[^<]*<a [^>]*>[^<]*<\/a><\/p>)?<\/div>/);
        if (!m) return 'no banner in /app/';
        const sum = crypto.createHash('sha256').update(m[0]).digest('hex');
        return sum === recs[i].banner_sha256
            || `${sum.slice(0, 12)} vs ${recs[i].banner_sha256.slice(0, 12)}`;
    });

    /* one visitor's decisions: each replaces the one before */
    await step('Redis: one visitor\'s decisions chain by replaces '
               + '(reject <- save <- withdraw)', async () => {
        const mine = recs.filter((r, i) => decisions[i].label === 'desktop');
        if (mine.length !== 3) return `${mine.length} desktop records`;
        return mine[0].replaces === '' && mine[1].replaces === mine[0].id
            && mine[2].replaces === mine[1].id
            || mine.map((r) => `${r.id.slice(0, 6)}<-${r.replaces.slice(0, 6)}`)
                   .join(' ');
    });

    await step('Redis: each decision has its hash privacy:consent:<id> '
               + 'with an expiry', async () => {
        for (const r of recs) {
            const key = `privacy:consent:${r.id}`;
            const action = redis('HGET', key, 'action');
            const ttl = Number(redis('PTTL', key));
            if (action !== r.action) return `${key} action "${action}"`;
            if (!(ttl > 0)) return `${key} PTTL ${ttl}`;
        }
        return true;
    });
}


const deadline = setTimeout(() => {
    console.log('FAILED the browser test took over 300 s (a hang)');
    console.log(`browser: ${passed} passed, ${failed + 1} failed`);
    process.exit(1);
}, 300000);

main().catch((e) => {
    check('the test ran to its end', false, e && e.stack || String(e));
}).finally(() => {
    clearTimeout(deadline);
    console.log(`browser: ${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
});
