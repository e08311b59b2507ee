namespace ServicePortal.Testing;

public static class Processes
{
    /// <summary>
    /// Waits up to five seconds for a process to end. PostgreSQL removes its lock file a moment before its
    /// process ends, and an ended child that nobody reaped yet (a zombie) counts as ended.
    /// </summary>
    public static async Task<bool> ExitsSoonAsync(int pid)
    {
        for (var i = 0; i < 50; i++)
        {
            var stat = $"/proc/{pid}/stat";
            try
            {
                if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z")
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return true; // it ended while we read
            }

            await Task.Delay(100);
        }

        return false;
    }
}
