// No plugin, no webpack or Turbopack rule, no copy step for the package. Route
// handlers load it from node_modules as Node does: bundled into the server
// build, onnxruntime-web (under the default text model) would look for its own
// files at the public /_next/static/ paths the bundler rewrote them to.
export default { serverExternalPackages: ['minivectordb'] };
