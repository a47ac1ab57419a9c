await Complaints.Resolution.ResolutionHost.Build(args).RunAsync();
