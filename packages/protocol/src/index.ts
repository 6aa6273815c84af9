export * from './limits.js';
export * from './errors.js';
export * from './schemas.js';
export * from './display-name.js';
export * from './sources.js';
export * from './rules.js';
export * from './peer-messages.js';
export * from './events.js';
