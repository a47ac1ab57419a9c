await Complaints.Followup.FollowupHost.Build(args).RunAsync();
