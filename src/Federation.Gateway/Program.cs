using Federation.Gateway.Hosting;

// The gateway on its own. Settings come from appsettings.json, the environment (Gateway__Port=7443) or the command
// line (--Gateway:DataDirectory=/var/lib/federation). `fed demo` hosts the same application in-process.
var app = GatewayApplication.Create(args);
await app.RunAsync();
