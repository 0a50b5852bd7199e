namespace StatusPage.Tests;

// The server's check modes, on in every test process and in the servers the tests start (they inherit the environment):
// - every static export checks that an increment which decided only the pages the ledger's change could have moved left no
//   other page's version behind (SiteExporter);
// - every index the read model derives from an earlier snapshot's after a post is compared with the index rebuilt over the
//   whole history (SnapshotLineage);
// - an export's manifest lists 1 file per part on average, not 64 (ExportManifest.FilesPerPart), so that the tests' small sites
//   are listed in several parts per group, as a site of 100,000 ledger entries is.
internal static class CheckModes
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void TurnOn()
    {
        Environment.SetEnvironmentVariable("STATUSPAGE_EXPORT_CHECK_CANDIDATES", "1");
        Environment.SetEnvironmentVariable("STATUSPAGE_CHECK_DERIVED_INDEXES", "1");
        Environment.SetEnvironmentVariable("STATUSPAGE_EXPORT_FILES_PER_PART", "1");
    }
}
