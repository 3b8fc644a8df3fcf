// Hash routes: #/, #/experiments/7?preset=day, #/admin. Pure, so it is unit-tested.

export function parseHash(hash) {
  const text = (hash ?? '').replace(/^#/, '') || '/';
  const [path, query = ''] = text.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, params: new URLSearchParams(query) };
}

/** {name, id?} for a path: home, experiment, admin, or unknown. */
export function matchRoute(path) {
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/admin' || path === '/admin/') return { name: 'admin' };
  const experiment = /^\/experiments\/(\d{1,15})\/?$/.exec(path);
  if (experiment) return { name: 'experiment', id: Number(experiment[1]) };
  return { name: 'unknown' };
}
