/**
 * Test-only corpus: small repositories in the shapes people really have for Procfiles, runtime
 * versions and command-only builds (issue #14), as path → content trees. corpus-other.test.ts
 * holds the exact plan or error for each; the Docker suite may build any of them for real.
 */

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export interface CorpusRepo {
  /** The repository, path → content. */
  files: Readonly<Record<string, string>>;
  /** The job's `command` in flexjob.yml, when the shape needs one. */
  command?: readonly string[];
}

export const CORPUS_OTHER = {
  /** A Heroku app: a web process and the scheduled one beside it. */
  procfileWebAndCron: {
    files: {
      Procfile: "web: gunicorn app:app\ncron: python jobs/nightly.py\n",
      "requirements.txt": "gunicorn==23.0.0\nrequests==2.32.3\n",
      "app.py": "app = None\n",
      "jobs/nightly.py": "print('nightly')\n",
    },
  },
  /** Only a clock process, a shell script calling an API. */
  procfileClockOnly: {
    files: {
      Procfile: "clock: bin/clock.sh\n",
      "bin/clock.sh": '#!/usr/bin/env bash\nset -euo pipefail\ncurl -fsS "$PING_URL" | jq .status\n',
    },
  },
  /** Installs at every start and calls npm's removed `npm bin`. */
  procfileInstallsAtStart: {
    files: {
      Procfile: "worker: npm install && $(npm bin)/tsx job.ts\n",
      "job.ts": "console.log('job');\n",
    },
  },
  /** engines.node from 2015: no image exists for it. */
  enginesNode0127: {
    files: {
      "package.json": json({
        name: "legacy-bot",
        engines: { node: "0.12.7" },
        scripts: { start: "node index.js" },
      }),
      "package-lock.json": json({ name: "legacy-bot", lockfileVersion: 1 }),
      "index.js": "console.log('bot');\n",
    },
  },
  /** Heroku's runtime.txt for Python 2. */
  python27: {
    files: {
      "runtime.txt": "python-2.7.18\n",
      "requirements.txt": "requests==2.27.1\n",
      "main.py": "print 'hi'\n",
    },
  },
  /** Heroku Scheduler's shape: nothing but shell scripts; the job's command runs one. */
  shellBackup: {
    files: {
      "bin/backup.sh":
        '#!/bin/bash\nset -euo pipefail\n# Nightly dump to S3\npg_dump "$DATABASE_URL" | gzip > /tmp/db.sql.gz\naws s3 cp /tmp/db.sql.gz "s3://$BUCKET/$(date +%F).sql.gz"\n',
      "README.md": "Backups.\n",
    },
    command: ["bin/backup.sh"],
  },
  /** A Deno script as people write them: no deno.json. */
  denoScript: {
    files: {
      "main.ts": 'import { parse } from "jsr:@std/csv@1";\nconsole.log(parse("a,b"));\n',
    },
    command: ["deno", "run", "-A", "main.ts"],
  },
  /** requirements.txt and a script not named main.py: the command says which. */
  pythonRequirementsOnly: {
    files: {
      "requirements.txt": "boto3==1.35.90\n",
      "report.py": "print('report')\n",
    },
    command: ["python", "report.py"],
  },
  /** Poetry without poetry.lock. */
  poetryWithoutLock: {
    files: {
      "pyproject.toml":
        '[tool.poetry]\nname = "digest"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nhttpx = "^0.28"\n',
      "main.py": "print('digest')\n",
    },
  },
  /** go.mod without go.sum: a module with no dependencies. */
  goWithoutSum: {
    files: {
      "go.mod": "module example.com/sweeper\n\ngo 1.26\n",
      "main.go": 'package main\n\nfunc main() { println("sweep") }\n',
    },
  },
} satisfies Record<string, CorpusRepo>;
