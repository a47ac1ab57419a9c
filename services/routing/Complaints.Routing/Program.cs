await Complaints.Routing.RoutingHost.Build(args).RunAsync();
