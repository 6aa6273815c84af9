// Must stay the first import: configures zod before any schema module is evaluated.
import './zod-config.js';
// Normalises WebRTC differences between browsers (e.g. older Safari and Firefox APIs).
import 'webrtc-adapter';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');
export default mount(App, { target });
