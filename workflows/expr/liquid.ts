/**
 * liquidjs for the templates, through a module of ours: the worker preloads this one (the SDK's
 * `preloadModules`, src/temporal/workflow-bundle-cache.ts) so liquidjs is evaluated once per workflow
 * context, not once per run. Listing liquidjs itself would not do: it declares no side effects, so
 * webpack drops a bare require of it.
 */
export { Liquid, type Template } from 'liquidjs';
