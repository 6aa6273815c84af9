export { Bot, parseRoomLink, type BotMode, type BotOptions } from './bot.js';
export { Peer } from './peer.js';
