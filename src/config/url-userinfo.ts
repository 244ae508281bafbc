/** Moved to src/core/config-kit/url-userinfo.ts; kept so existing importers still resolve. */
export * from '../core/config-kit/url-userinfo';
