import { render } from 'preact';
import { App } from './app.tsx';
import { browserLocale, setLocale } from './i18n.ts';
import './styles.css';

// Until the user is known, the browser's languages choose; the user's own choice follows /me.
await setLocale(browserLocale());
render(<App />, document.getElementById('app')!);
