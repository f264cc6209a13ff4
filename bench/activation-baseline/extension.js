// Registers one command and returns: the least an extension does when it activates.
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('activationBaseline.noop', () => undefined));
};
