using ServicePortal.Helpdesk.Staff;

namespace ServicePortal.Helpdesk.Tests.Staff;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+255700000001", "\"'+255700000001\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("TK-76H5127N8", "\"TK-76H5127N8\"")]
    [InlineData("a,b\nc", "\"a,b\nc\"")]
    public void A_cell_a_spreadsheet_would_run_is_made_text(string value, string cell) => Assert.Equal(cell, Csv.Cell(value));
}
