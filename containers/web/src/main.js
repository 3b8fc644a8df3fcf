// Entry point: the styles, the configuration from the service, then the shell.

import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { createApi } from './api.js';
import { App } from './app.js';
import { startAuth } from './auth.js';
import { loadConfig } from './config.js';
import { replace } from './dom.js';
import { notice } from './notice.js';
import { messageOf } from './problem.js';

async function boot() {
  const header = document.getElementById('header');
  const main = document.getElementById('main');
  let config;
  try {
    config = await loadConfig({
      onWait: () => replace(main, notice('info', 'Waiting for the service to answer…')),
    });
  } catch (error) {
    replace(main, notice('error', `The page cannot start: ${messageOf(error)}`));
    return;
  }
  const session = startAuth(config);
  const api = createApi(session.token);
  new App(session, api, { header, main });
}

boot();
