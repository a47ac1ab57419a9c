await Complaints.Desk.DeskHost.Build(args).RunAsync();
