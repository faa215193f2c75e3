package authingtest

// catalogRoutes lists the routes of every catalog operation. It is replaced
// by the generated catalog (authing.Operations) once that lands; until then
// tests install a listing read from the shared API data.
var catalogRoutes = func() []opRoute { return nil }
