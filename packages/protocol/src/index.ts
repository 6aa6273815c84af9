export * from './limits.js';
export * from './errors.js';
export * from './schemas.js';
export * from './display-name.js';
export * from './events.js';
