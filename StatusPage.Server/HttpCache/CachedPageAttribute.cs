namespace StatusPage.Server.HttpCache;

// Declares a public page (endpoint metadata from the component's attributes): its GET and HEAD answers are rendered once per
// ledger head, language and day by the page cache, and served as precomputed bytes (CacheClass.Page).
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
internal sealed class CachedPageAttribute : Attribute;
