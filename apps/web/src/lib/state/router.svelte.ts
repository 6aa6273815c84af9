/** The current path, kept in step with the History API. */
export class Router {
  path = $state(location.pathname);

  constructor() {
    addEventListener('popstate', () => (this.path = location.pathname));
  }

  navigate(path: string): void {
    if (path === this.path) return;
    history.pushState(null, '', path);
    this.path = path;
  }
}
