// A real `boxoffice serve` on its own PostgreSQL schema of the CTest `postgresql` fixture,
// listening on a free port, stopped with SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const ADMIN_KEY = 'web-test-admin-key';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through CTest (ctest -R web_e2e)`);
  return value;
}

function psql() {
  const packaged = '/usr/lib/postgresql/15/bin/psql';
  return existsSync(packaged) ? packaged : 'psql';
}

let schemas = 0;

// A fresh, empty database (a schema of the test server) for one boxoffice process.
function freshDatabase(label) {
  const server = readFileSync(required('BOXOFFICE_TEST_PG_URL_FILE'), 'utf8').trim();
  schemas += 1;
  const schema = `web_${label.replace(/[^a-z0-9]/gi, '_')}_${process.pid}_${Date.now()}_${schemas}`.toLowerCase();
  execFileSync(psql(), [server, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE SCHEMA ${schema}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const separator = server.includes('?') ? '&' : '?';
  return `${server}${separator}options=-csearch_path%3D${schema}`;
}

export async function startServer(label, flags = []) {
  const binary = required('BOXOFFICE_BINARY');
  const database = freshDatabase(label);
  const args = ['serve', '--listen', '127.0.0.1:0', '--database', database, '--admin-key', ADMIN_KEY,
    '--log-level', 'warn', ...flags];
  // No balancer in front: stopped at once on SIGTERM, without the drain's grace.
  const env = { BOXOFFICE_DRAIN_GRACE: '0s', ...process.env };
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`boxoffice did not start within 30 s:\n${output}`)), 30000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on http:\/\/[^ ]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`boxoffice exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    get output() {
      return output;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}
